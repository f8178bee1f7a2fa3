import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { announceRouting } from "../deployments/switch-routing";
import { findEndpoint } from "./read-endpoints";

/** Whether the data plane asks for an endpoint key on this endpoint. Gateways follow at once (routing pub/sub). */
export async function updateEndpointSettings(opts: { db: Db; redis: Redis; principal: Principal; endpointName: string; requireKey: boolean }) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "endpointkey.manage", { environment: e.environment });
  const view = (x: { name: string; environment: string; requireKey: boolean }) => ({ endpoint: x.name, environment: x.environment, requireKey: x.requireKey });
  if (e.requireKey === opts.requireKey) return view(e);
  const after = await db.$transaction(async (tx) => {
    const updated = await tx.endpoint.update({ where: { id: e.id }, data: { requireKey: opts.requireKey } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "endpoint.update", resourceType: "endpoint", resourceId: e.id, before: { requireKey: e.requireKey }, after: { requireKey: updated.requireKey } });
    return updated;
  });
  await announceRouting(opts.redis, e.id);
  return view(after);
}
