// Records a traffic change as a deployment (and its audit event) in one transaction, then queues
// it. Who may change which endpoint is lib/auth/policy.ts's "traffic.change".
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { AppError } from "../../../errors";
import { findEndpoint } from "./read-endpoints";
import { enqueueDeployment } from "../../../jobs/enqueue-deployment";
import type { TrafficRequest } from "./traffic-request";
import { toDeploymentView } from "./views";
import { planTraffic } from "./plan-traffic";
import { createDeployment } from "../deployments/create-deployment";

/**
 * `bootstrap`: the seed's first routing of a production endpoint. Everything else that changes what a
 * production endpoint serves goes through a promotion (lib/governance/change-traffic.ts), and this
 * refuses it, so no new caller can deploy to production on one person's say-so by mistake.
 */
export async function requestTraffic(opts: { db: Db; redisUrl: string; principal: Principal; endpointName: string; request: TrafficRequest; bootstrap?: boolean; inlineMaxModelMb?: number }) {
  const { db, principal, request } = opts;
  const endpoint = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "traffic.change", { environment: endpoint.environment });
  if (endpoint.environment === "production" && !opts.bootstrap) {
    throw new AppError("forbidden", `"${endpoint.name}" is a production endpoint: its traffic changes go through a promotion (POST /api/v1/promotions)`);
  }
  const { live, to, plan } = await planTraffic({ db, teamId: principal.teamId, endpoint, request, inlineMaxModelMb: opts.inlineMaxModelMb });
  const deployment = await db.$transaction((tx) =>
    createDeployment(tx, { teamId: principal.teamId, endpoint, strategy: request.strategy, plan, live, to, reason: request.reason ?? "", actor: actorOf(principal), createdBy: principal.label, expectedRoutingVersion: request.expectedRoutingVersion }),
  );
  const queued = await enqueueDeployment({ redisUrl: opts.redisUrl, deploymentId: deployment.id });
  return { ...toDeploymentView(deployment), queued };
}
