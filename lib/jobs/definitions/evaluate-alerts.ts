// Scheduled: evaluates every enabled alert rule (every JOBS_ALERTS_MS, one job worker per period).
import { z } from "zod";
import { evaluateAlertRules } from "../../alerts/evaluate-alert-rules";
import { defineJob } from "../define-job";

export const evaluateAlertsJob = defineJob({
  queue: "evaluate-alerts",
  name: "evaluate-alerts",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    const counts = await evaluateAlertRules({ db: ctx.db, redisUrl: ctx.redisUrl });
    if (counts.pending || counts.fired || counts.resolved || counts.dropped) ctx.log("alert rules evaluated", counts);
    return counts;
  },
});
