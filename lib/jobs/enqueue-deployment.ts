import type { Queue } from "bullmq";
import { closeProducerQueues, producerQueue } from "./producer-queues";
import { addedInTime } from "./added-in-time";
import { runDeploymentJob, type RunDeploymentPayload } from "./definitions/run-deployment";

/**
 * Queues a deployment whose row already exists. The deployment id is the job id, so a repeat is a
 * no-op. Returns false when Redis does not answer in time: the row stays pending and the job
 * workers' reconciler queues it once Redis is back. Never silently drops the work.
 */
export async function enqueueDeployment(opts: { redisUrl: string; deploymentId: string; timeoutMs?: number; queue?: Queue }): Promise<boolean> {
  const payload: RunDeploymentPayload = runDeploymentJob.schema.parse({ v: runDeploymentJob.version, deploymentId: opts.deploymentId });
  const q = opts.queue ?? producerQueue(runDeploymentJob.queue, opts.redisUrl);
  return addedInTime(() => q.add(runDeploymentJob.name, payload, {
    jobId: opts.deploymentId,
    attempts: 3,
    backoff: { type: "exponential", delay: 2_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  }), opts.timeoutMs ?? 2_000);
}

/** For short-lived processes (seed, CLI scripts): lets the process exit. */
export const closeDeploymentsQueue = closeProducerQueues;
