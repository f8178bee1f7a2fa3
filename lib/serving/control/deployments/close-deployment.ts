// The end of a deployment, written in one transaction: its outcome, the routing put back (if any),
// the audit event, the notification and the promotion it carries. Shared by the runner and by an
// abort of a deployment that never started.
import type { Prisma } from "../../../db/client";
import { recordAudit } from "../../../audit/record-audit";
import { SYSTEM_ACTOR } from "../../../auth/principal";
import { toJson } from "../../../db/json";
import { followDeployment } from "../../../governance/follow-deployment";
import { emitEvent } from "../../../notifications/emit-event";
import { asRouting, type Routing } from "../../shared/routing";
import type { FinishedStatus } from "../../shared/deployment-status";
import { writeRouting } from "./switch-routing";
import type { Step } from "./plan";

type Tx = Prisma.TransactionClient;

/** Thrown where a deployment learns that someone asked to abort it; carries the rollback reason. */
export class DeploymentAborted extends Error {}

export type Outcome = { error?: string; rollbackReason?: string };

/**
 * `succeeded` is refused (DeploymentAborted) when an abort was asked for in the meantime: the abort
 * takes the same row lock, so it either lands before this (and wins) or finds the deployment finished.
 * Returns the deliveries to queue once the transaction commits.
 */
export async function closeDeployment(tx: Tx, c: { id: string; teamId: string; steps?: Step[]; status: FinishedStatus; extra: Outcome; restore: Routing | null }) {
  const [row] = await tx.$queryRaw<{ abortReason: string | null }[]>`SELECT "abortReason" FROM "Deployment" WHERE id = ${c.id} FOR UPDATE`;
  if (c.status === "succeeded" && row?.abortReason) throw new DeploymentAborted(row.abortReason);
  const d = await tx.deployment.update({
    where: { id: c.id },
    data: { status: c.status, finishedAt: new Date(), ...(c.steps ? { steps: toJson(c.steps) } : {}), ...c.extra },
    include: { endpoint: { select: { name: true, environment: true } } },
  });
  if (c.restore) await writeRouting(tx, d.endpointId, c.restore);
  await recordAudit(tx, { teamId: c.teamId, actor: SYSTEM_ACTOR, action: `deployment.${c.status}`, resourceType: "deployment", resourceId: c.id, after: { endpoint: d.endpoint.name, status: c.status, ...c.extra } });
  // the notification is part of the outcome: written with it, sent once it is committed
  const variants = asRouting(d.toRouting).variants;
  const primary = variants.find((v) => v.role === "primary") ?? variants[0];
  const deliveries = await emitEvent(tx, {
    teamId: c.teamId,
    type: `deployment.${c.status}`,
    data: {
      deploymentId: c.id, endpoint: d.endpoint.name, environment: d.endpoint.environment, status: c.status, strategy: d.strategy,
      model: primary?.model, version: primary?.version,
      routing: variants.map((v) => `${v.model} v${v.version} ${v.role} ${v.weight}%`).join(", "),
      reason: c.extra.error ?? c.extra.rollbackReason ?? (d.reason || undefined), createdBy: d.createdBy,
    },
  });
  // a promotion carried by this deployment follows its outcome, in the same transaction
  deliveries.push(...(await followDeployment(tx, { id: c.id, status: c.status, ...c.extra })));
  return { d, deliveries };
}
