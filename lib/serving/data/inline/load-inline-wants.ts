// What a gateway should hold inline: every inline variant an endpoint routes to, and every inline
// variant a deployment in progress brings in (the deployment waits for gateways to report it ready
// before it switches traffic to it, as it waits for inference workers to load a worker variant).
import type { Db } from "../../../db/client";
import { ACTIVE_STATUSES } from "../../shared/deployment-status";
import { asRouting } from "../../shared/routing";
import type { InlineWant } from "./inline-host";

export async function loadInlineWants(db: Db): Promise<InlineWant[]> {
  const [endpoints, active] = await Promise.all([
    db.endpoint.findMany({ select: { routing: true } }),
    db.deployment.findMany({ where: { status: { in: [...ACTIVE_STATUSES] } }, select: { toRouting: true } }),
  ]);
  const wants = new Map<string, InlineWant>();
  for (const r of [...endpoints.map((e) => e.routing), ...active.map((d) => d.toRouting)]) {
    for (const v of asRouting(r).variants) {
      if (v.placement === "inline" && !wants.has(v.versionId)) wants.set(v.versionId, { versionId: v.versionId, sha256: v.sha256, batching: v.batching });
    }
  }
  return [...wants.values()];
}
