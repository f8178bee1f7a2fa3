import { addedInTime } from "./added-in-time";
import { producerQueue } from "./producer-queues";
import { driftReportJob, type DriftReportPayload } from "./definitions/drift-report";

/**
 * Queues a drift report whose row exists; the report id is the job id, so a repeat is a no-op.
 * False when Redis did not answer in time: the row stays queued and the schedule sync queues it again.
 */
export async function enqueueDriftReport(opts: { redisUrl: string; reportId: string; timeoutMs?: number }): Promise<boolean> {
  const payload: DriftReportPayload = driftReportJob.schema.parse({ v: driftReportJob.version, reportId: opts.reportId });
  const q = producerQueue(driftReportJob.queue, opts.redisUrl);
  return addedInTime(() => q.add(driftReportJob.name, payload, {
    jobId: opts.reportId,
    attempts: 3,
    backoff: { type: "exponential", delay: 5_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  }), opts.timeoutMs ?? 2_000);
}
