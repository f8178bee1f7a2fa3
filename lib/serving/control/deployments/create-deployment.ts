// Records a deployment (pending) and its audit event, inside the caller's transaction, once no other
// deployment holds the endpoint. Queue it with enqueueDeployment after the transaction commits.
import type { Prisma } from "../../../db/client";
import type { Actor } from "../../../auth/principal";
import { recordAudit } from "../../../audit/record-audit";
import { AppError } from "../../../errors";
import { toJson } from "../../../db/json";
import { ACTIVE_STATUSES, type DeploymentStrategy } from "../../shared/deployment-status";
import type { Routing } from "../../shared/routing";
import { buildSteps, type Plan } from "./plan";
import { ensureSeenRouting } from "../endpoints/seen-routing";
import { archivedMessage } from "../../../registry/archived";

type Tx = Prisma.TransactionClient;

/** The deployment that holds the endpoint now, if any. Takes the endpoint's row lock first. */
export async function lockEndpointForDeployment(tx: Tx, endpointId: string) {
  // Row lock on the endpoint: two concurrent changes cannot both pass the check.
  await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpointId} FOR UPDATE`;
  return tx.deployment.findFirst({ where: { endpointId, status: { in: [...ACTIVE_STATUSES] } }, select: { id: true, status: true } });
}

export async function createDeployment(tx: Tx, d: {
  teamId: string; endpoint: { id: string; name: string }; strategy: DeploymentStrategy; plan: Plan; live: Routing; to: Routing;
  reason: string; actor: Actor; createdBy: string; promotionId?: string;
  /** the routingVersion the requester saw; checked again under the endpoint's lock */
  expectedRoutingVersion?: number;
}) {
  const active = await lockEndpointForDeployment(tx, d.endpoint.id);
  if (active) throw new AppError("conflict", `deployment ${active.id} is still ${active.status} on "${d.endpoint.name}"; wait for it to finish`);
  if (d.expectedRoutingVersion !== undefined) {
    ensureSeenRouting(await tx.endpoint.findUniqueOrThrow({ where: { id: d.endpoint.id }, select: { name: true, routing: true, routingVersion: true } }), d.expectedRoutingVersion);
  }
  await ensureNotArchived(tx, d.to);
  const row = await tx.deployment.create({
    data: {
      endpointId: d.endpoint.id,
      strategy: d.strategy,
      plan: toJson(d.plan),
      steps: toJson(buildSteps(d.strategy, d.plan)),
      fromRouting: toJson(d.live),
      toRouting: toJson(d.to),
      reason: d.reason,
      createdBy: d.createdBy,
    },
    include: { endpoint: { select: { name: true } } },
  });
  await recordAudit(tx, {
    teamId: d.teamId, actor: d.actor, action: "endpoint.traffic", resourceType: "endpoint", resourceId: d.endpoint.id,
    before: { variants: d.live.variants.map((v) => ({ name: v.name, weight: v.weight, role: v.role })) },
    after: {
      deployment: row.id, strategy: d.strategy, ...(d.promotionId ? { promotion: d.promotionId } : {}),
      variants: d.to.variants.map((v) => ({ name: v.name, weight: v.weight, role: v.role, device: v.device })),
    },
  });
  return row;
}

/**
 * The routing's versions, read FOR SHARE: archiving one (which takes its row FOR UPDATE) waits for this
 * transaction and then sees the deployment, or this one sees it archived — never both missing each other.
 */
async function ensureNotArchived(tx: Tx, to: Routing) {
  const ids = to.variants.map((v) => v.versionId);
  if (!ids.length) return;
  // every row is locked, not only archived ones: a row this query skipped could be archived before this commits
  const rows = await tx.$queryRaw<{ id: string; archived: boolean }[]>`SELECT id, "archivedAt" IS NOT NULL AS archived FROM "ModelVersion" WHERE id = ANY(${ids}::text[]) FOR SHARE`;
  const v = to.variants.find((x) => rows.some((r) => r.id === x.versionId && r.archived));
  if (v) throw new AppError("unprocessable", archivedMessage(v.model, v.version), { field: "variants" });
}
