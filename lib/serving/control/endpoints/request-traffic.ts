// Records a traffic change as a deployment (and its audit event) in one transaction, then queues
// it. Who may change which endpoint is lib/auth/policy.ts's "traffic.change".
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { actorOf } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { AppError } from "../../../errors";
import { findEndpoint } from "./read-endpoints";
import { enqueueDeployment } from "../../../jobs/enqueue-deployment";
import { asRouting } from "../../shared/routing";
import { buildSteps, canaryPlanSchema, blueGreenPlanSchema, newVariants, type Plan } from "../deployments/plan";
import { resolveRouting } from "./resolve-routing";
import type { TrafficRequest } from "./traffic-request";
import { toDeploymentView } from "./views";
import { toJson } from "../../../db/json";
import { ACTIVE_STATUSES } from "../../shared/deployment-status";

export async function requestTraffic(opts: { db: Db; redisUrl: string; principal: Principal; endpointName: string; request: TrafficRequest }) {
  const { db, principal, request } = opts;
  const endpoint = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "traffic.change", { environment: endpoint.environment });
  const live = asRouting(endpoint.routing);
  const to = await resolveRouting({ db, teamId: principal.teamId, live, request });
  const plan: Plan = {};
  if (request.strategy === "canary") {
    plan.canary = canaryPlanSchema.parse(request.canary ?? {});
    if (!newVariants(live, to).length) throw new AppError("bad_request", "a canary needs a version that is not serving yet; use immediate to change weights", { field: "strategy" });
  }
  if (request.strategy === "blue_green") plan.blueGreen = blueGreenPlanSchema.parse(request.blueGreen ?? {});

  const deployment = await db.$transaction(async (tx) => {
    // Row lock on the endpoint: two concurrent changes cannot both pass the check below.
    await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpoint.id} FOR UPDATE`;
    const active = await tx.deployment.findFirst({ where: { endpointId: endpoint.id, status: { in: [...ACTIVE_STATUSES] } } });
    if (active) throw new AppError("conflict", `deployment ${active.id} is still ${active.status} on "${endpoint.name}"; wait for it to finish`);
    const d = await tx.deployment.create({
      data: {
        endpointId: endpoint.id,
        strategy: request.strategy,
        plan: toJson(plan),
        steps: toJson(buildSteps(request.strategy, plan)),
        fromRouting: toJson(live),
        toRouting: toJson(to),
        reason: request.reason ?? "",
        createdBy: principal.label,
      },
      include: { endpoint: { select: { name: true } } },
    });
    await recordAudit(tx, {
      teamId: principal.teamId, actor: actorOf(principal), action: "endpoint.traffic", resourceType: "endpoint", resourceId: endpoint.id,
      before: { variants: live.variants.map((v) => ({ name: v.name, weight: v.weight, role: v.role })) },
      after: { deployment: d.id, strategy: request.strategy, variants: to.variants.map((v) => ({ name: v.name, weight: v.weight, role: v.role, device: v.device })) },
    });
    return d;
  });
  const queued = await enqueueDeployment({ redisUrl: opts.redisUrl, deploymentId: deployment.id });
  return { ...toDeploymentView(deployment), queued };
}
