import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { endpointKeyDisplayPrefix, generateEndpointKey, hashEndpointKey } from "../../../tokens/endpoint-key-format";
import { announceRouting } from "../deployments/switch-routing";
import { findEndpoint } from "./read-endpoints";
import { toEndpointKeyView } from "./endpoint-key-view";

/**
 * Creates a data-plane key for one endpoint and returns it in clear text once; afterwards only its
 * hash exists. Gateways load it at once (routing pub/sub), and on their next periodic reload otherwise.
 */
export async function createEndpointKey(opts: { db: Db; redis: Redis; principal: Principal; endpointName: string; name: string }) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "endpointkey.manage", { environment: e.environment });
  const key = generateEndpointKey();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.endpointKey.create({ data: { endpointId: e.id, name: opts.name, prefix: endpointKeyDisplayPrefix(key), keyHash: hashEndpointKey(key), createdBy: principal.label } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "endpointkey.create", resourceType: "endpoint_key", resourceId: created.id, after: { endpoint: e.name, ...toEndpointKeyView(created) } });
    return created;
  });
  await announceRouting(opts.redis, e.id);
  return { key, endpoint: e.name, ...toEndpointKeyView(row) };
}
