// Work that may only start once the transaction that recorded it has committed: queueing its
// deployment and its notification deliveries. Each queue has a reconciler, so a Redis that is away
// here delays the work; it never loses it.
import { enqueueDeployment } from "../jobs/enqueue-deployment";
import { queueDeliveries } from "../notifications/queue-deliveries";

export async function afterCommit(opts: { redisUrl: string; deliveries?: string[]; deploymentId?: string }): Promise<void> {
  if (opts.deploymentId) await enqueueDeployment({ redisUrl: opts.redisUrl, deploymentId: opts.deploymentId });
  if (opts.deliveries?.length) await queueDeliveries({ redisUrl: opts.redisUrl, ids: opts.deliveries });
}
