import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { notFound } from "../../../errors";
import { announceRouting } from "../deployments/switch-routing";
import { findEndpoint } from "./read-endpoints";
import { toEndpointKeyView } from "./endpoint-key-view";

/** Revoking twice is not an error: the key stays revoked and the first time is kept. Gateways drop it at once (routing pub/sub). */
export async function revokeEndpointKey(opts: { db: Db; redis: Redis; principal: Principal; endpointName: string; keyId: string }) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "endpointkey.manage", { environment: e.environment });
  const view = await db.$transaction(async (tx) => {
    const before = await tx.endpointKey.findFirst({ where: { id: opts.keyId, endpointId: e.id } });
    if (!before) throw notFound(`endpoint key "${opts.keyId}"`);
    if (before.revokedAt) return toEndpointKeyView(before);
    const after = await tx.endpointKey.update({ where: { id: before.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "endpointkey.revoke", resourceType: "endpoint_key", resourceId: before.id, before: toEndpointKeyView(before), after: toEndpointKeyView(after) });
    return toEndpointKeyView(after);
  });
  await announceRouting(opts.redis, e.id);
  return view;
}
