// The reports queue: one job per drift report, job id = report id (lib/jobs/enqueue-drift-report.ts).
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { failDriftReport, runDriftReport } from "../../monitoring/drift/run-drift-report";
import { defineJob } from "../define-job";

export const driftReportJob = defineJob({
  queue: "reports",
  name: "drift-report",
  version: 1,
  schema: z.object({ v: z.literal(1), reportId: z.string().regex(/^[a-z0-9]+$/) }),
  handler: (payload, ctx) => {
    if (!ctx.reports) throw new UnrecoverableError("this process is not configured to compute drift reports");
    return runDriftReport({ db: ctx.db, reportId: payload.reportId, settings: ctx.reports });
  },
  onFailed: (ctx, job, err) => failDriftReport(ctx.db, job.id, err.message),
});
export type DriftReportPayload = z.output<typeof driftReportJob.schema>;
