// One endpoint setting the gateways carry in their routing table (whether a key is required, the input
// sampling of the prediction log): checked against the policy, written with its audit event in one
// transaction, then announced so every gateway follows at once (routing pub/sub). An unchanged value
// writes nothing.
import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan, type Action } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { announceRouting } from "../deployments/switch-routing";
import { findEndpoint } from "./read-endpoints";

type RoutedSettings = { requireKey: boolean; logInputs: number };

/** The endpoint as it stands after the change. */
export async function updateRoutedSetting<K extends keyof RoutedSettings>(opts: {
  db: Db; redis: Redis; principal: Principal; endpointName: string; action: Action; field: K; value: RoutedSettings[K];
}) {
  const { db, principal, field } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, opts.action, { environment: e.environment });
  if (e[field] === opts.value) return e;
  const after = await db.$transaction(async (tx) => {
    const updated = await tx.endpoint.update({ where: { id: e.id }, data: { [field]: opts.value } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "endpoint.update", resourceType: "endpoint", resourceId: e.id, before: { [field]: e[field] }, after: { [field]: updated[field] } });
    return updated;
  });
  await announceRouting(opts.redis, e.id);
  return after;
}
