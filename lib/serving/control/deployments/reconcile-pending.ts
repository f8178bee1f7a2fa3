import type { Db } from "../../../db/client";
import { enqueueDeployment } from "../../../jobs/enqueue-deployment";

/** Queues deployments recorded while Redis was away. The job id is the deployment id, so this is idempotent. */
export async function reconcilePending(opts: { db: Db; redisUrl: string; olderThanMs?: number }): Promise<number> {
  const pending = await opts.db.deployment.findMany({
    where: { status: "pending", createdAt: { lt: new Date(Date.now() - (opts.olderThanMs ?? 3_000)) } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: 100,
  });
  let queued = 0;
  for (const d of pending) if (await enqueueDeployment({ redisUrl: opts.redisUrl, deploymentId: d.id })) queued++;
  return queued;
}
