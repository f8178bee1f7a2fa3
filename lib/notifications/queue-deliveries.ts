// Puts deliveries on the notifications queue once the transaction that wrote them has committed.
// Job id = delivery id, so queueing one twice is a no-op. Returns false when Redis does not answer
// in time, and never throws: the rows stay pending and the reconciler
// (lib/jobs/definitions/reconcile-notifications.ts) queues them once Redis is back.
import { Queue } from "bullmq";
import { bullConnection } from "../jobs/queues";
import { addedInTime } from "../jobs/added-in-time";
import { sendNotificationJob } from "../jobs/definitions/send-notification";

const queues = new Map<string, Queue>();

function notificationsQueue(redisUrl: string): Queue {
  let q = queues.get(redisUrl);
  if (!q) {
    q = new Queue(sendNotificationJob.queue, { connection: bullConnection(redisUrl) });
    q.on("error", () => {}); // Redis away: queueDeliveries reports it by returning false
    queues.set(redisUrl, q);
  }
  return q;
}

/** BullMQ keeps nothing once a job is done: the Delivery row is the record, and redelivery adds the same id again. */
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true } as const;

export async function queueDeliveries(opts: { redisUrl: string; ids: string[]; delayMs?: (id: string) => number; timeoutMs?: number }): Promise<boolean> {
  if (!opts.ids.length) return true;
  return addedInTime(() => notificationsQueue(opts.redisUrl).addBulk(opts.ids.map((id) => ({
    name: sendNotificationJob.name,
    data: sendNotificationJob.schema.parse({ v: sendNotificationJob.version, deliveryId: id }),
    opts: { ...JOB_OPTS, jobId: id, delay: Math.max(0, opts.delayMs?.(id) ?? 0) },
  }))), opts.timeoutMs ?? 2_000);
}

/** For short-lived processes and tests: lets the process exit. */
export async function closeNotificationsQueues(): Promise<void> {
  await Promise.allSettled([...queues.values()].map((q) => q.close()));
  queues.clear();
}
