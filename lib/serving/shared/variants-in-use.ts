// The variants something still needs loaded: those the endpoints route to, and those the deployments
// in progress bring in (a deployment loads its new variants before it switches traffic to them).
import type { Db } from "../../db/client";
import { ACTIVE_STATUSES } from "./deployment-status";
import { asRouting, type Variant } from "./routing";

/** `routed`: the endpoints' variants when the caller has just read them (the gateway's routing table), else read here. */
export async function variantsInUse(db: Db, routed?: Iterable<Variant>): Promise<Variant[]> {
  const [endpoints, active] = await Promise.all([
    routed ? null : db.endpoint.findMany({ select: { routing: true } }),
    db.deployment.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } }, select: { toRouting: true } }),
  ]);
  const fromEndpoints = routed ? [...routed] : endpoints!.flatMap((e) => asRouting(e.routing).variants);
  return [...fromEndpoints, ...active.flatMap((d) => asRouting(d.toRouting).variants)];
}
