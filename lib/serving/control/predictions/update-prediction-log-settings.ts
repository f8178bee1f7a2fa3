// The endpoint's input sampling for the prediction log (Endpoint.logInputs): read, and set with an audit
// event. Gateways carry it in their routing table (lib/serving/data/gateway/routing-table.ts) and follow
// a change at once (routing pub/sub); the sampling itself is lib/serving/data/prediction-log/sample-inputs.ts.
import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { announceRouting } from "../deployments/switch-routing";
import { findEndpoint } from "../endpoints/read-endpoints";

const view = (e: { name: string; logInputs: number }) => ({ endpoint: e.name, logInputs: e.logInputs });

export async function readPredictionLogSettings(opts: { db: Db; teamId: string; endpointName: string }) {
  return view(await findEndpoint(opts.db, opts.teamId, opts.endpointName));
}

export async function updatePredictionLogSettings(opts: { db: Db; redis: Redis; principal: Principal; endpointName: string; logInputs: number }) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "predictionlog.manage", { environment: e.environment });
  if (e.logInputs === opts.logInputs) return view(e);
  const after = await db.$transaction(async (tx) => {
    const updated = await tx.endpoint.update({ where: { id: e.id }, data: { logInputs: opts.logInputs } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "endpoint.update", resourceType: "endpoint", resourceId: e.id, before: { logInputs: e.logInputs }, after: { logInputs: updated.logInputs } });
    return updated;
  });
  await announceRouting(opts.redis, e.id);
  return view(after);
}
