// POST /deployments/{id}/abort: stops a deployment and puts back the routing from before it.
// A pending one (never started) is finished here at once; a running one gets an abort request that
// its runner reads before each step and all through its bakes and waits, and rolls back itself.
// Who may: lib/auth/policy.ts's "deployment.abort", on production too (it only restores what served).
import type { Db } from "../../../db/client";
import { actorOf, type Principal } from "../../../auth/principal";
import { ensureCan } from "../../../auth/policy";
import { recordAudit } from "../../../audit/record-audit";
import { AppError, notFound } from "../../../errors";
import { queueDeliveries } from "../../../notifications/queue-deliveries";
import { DeploymentStatus, isFinished } from "../../shared/deployment-status";
import { closeDeployment } from "./close-deployment";
import { getDeployment } from "../endpoints/read-endpoints";

export async function abortDeployment(opts: { db: Db; redisUrl: string; principal: Principal; id: string; reason: string }) {
  const { db, principal } = opts;
  const found = await db.deployment.findFirst({ where: { id: opts.id, endpoint: { teamId: principal.teamId } }, select: { endpoint: { select: { name: true, environment: true } } } });
  if (!found) throw notFound(`deployment "${opts.id}"`);
  ensureCan(principal, "deployment.abort", { environment: found.endpoint.environment });
  const rollbackReason = `aborted by ${principal.label}: ${opts.reason}`;

  const deliveries = await db.$transaction(async (tx) => {
    // the row lock the runner's start and finish take too: an abort lands before them or sees them done
    const [row] = await tx.$queryRaw<{ status: string; abortReason: string | null }[]>`SELECT status::text AS status, "abortReason" FROM "Deployment" WHERE id = ${opts.id} FOR UPDATE`;
    if (!row || isFinished(row.status)) {
      throw new AppError("conflict", `deployment ${opts.id} has already ${row?.status.replace("_", " ") ?? "finished"}; to change what serves now, roll back to an earlier deployment or set a new split`);
    }
    if (row.abortReason) throw new AppError("conflict", `deployment ${opts.id} is already being aborted (${row.abortReason})`);
    await tx.deployment.update({ where: { id: opts.id }, data: { abortRequestedAt: new Date(), abortReason: rollbackReason } });
    await recordAudit(tx, {
      teamId: principal.teamId, actor: actorOf(principal), action: "deployment.abort", resourceType: "deployment", resourceId: opts.id,
      after: { endpoint: found.endpoint.name, status: row.status, reason: opts.reason },
    });
    // never started: nothing was loaded or routed, so it is finished here, with its routing untouched
    if (row.status === DeploymentStatus.pending) return (await closeDeployment(tx, { id: opts.id, teamId: principal.teamId, status: "rolled_back", extra: { rollbackReason }, restore: null })).deliveries;
    return [];
  });
  await queueDeliveries({ redisUrl: opts.redisUrl, ids: deliveries });
  return getDeployment({ db, teamId: principal.teamId, id: opts.id });
}
