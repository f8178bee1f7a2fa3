// Per-endpoint job schedulers (id "drift-<endpoint id>", set by the schedule sync) queue this job:
// it records one drift report over the endpoint's window and queues it on "reports".
import { z } from "zod";
import { createScheduledReport } from "../../monitoring/drift/scheduled-reports";
import { defineJob } from "../define-job";

export const scheduledDriftReportJob = defineJob({
  queue: "drift-schedules",
  name: "scheduled-drift-report",
  version: 1,
  schema: z.object({ v: z.literal(1), endpointId: z.string().regex(/^[a-z0-9]+$/) }),
  handler: async (payload, ctx) => {
    const outcome = await createScheduledReport({ db: ctx.db, redisUrl: ctx.redisUrl, endpointId: payload.endpointId });
    if (outcome === "no_reference") ctx.log("scheduled drift report skipped: the endpoint's primary version has no reference data", { endpointId: payload.endpointId });
    return outcome;
  },
});
