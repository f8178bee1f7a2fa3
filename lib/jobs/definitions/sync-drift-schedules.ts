// Scheduled: makes the per-endpoint drift-report schedulers match the settings in Postgres and
// queues again reports Redis did not take (every JOBS_RECONCILE_MS, one job worker per period).
import { z } from "zod";
import { syncDriftSchedules } from "../../monitoring/drift/scheduled-reports";
import { producerQueue } from "../producer-queues";
import { defineJob } from "../define-job";
import { scheduledDriftReportJob } from "./scheduled-drift-report";

export const syncDriftSchedulesJob = defineJob({
  queue: "sync-drift-schedules",
  name: "sync-drift-schedules",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    const counts = await syncDriftSchedules({ db: ctx.db, redisUrl: ctx.redisUrl, schedules: producerQueue(scheduledDriftReportJob.queue, ctx.redisUrl), scheduledJob: scheduledDriftReportJob });
    if (counts.removed || counts.requeued || counts.caughtUp) ctx.log("drift schedules synced", counts);
    return counts;
  },
});
