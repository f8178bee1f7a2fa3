// Scheduled: keeps the prediction log's daily partitions ahead and drops those past
// PREDICTION_LOG_RETENTION_DAYS (every PREDICTION_LOG_MAINTENANCE_MS, one job worker per period).
import { z } from "zod";
import { dropOldPartitions, ensurePartitions } from "../../serving/data/prediction-log/write-batch";
import { defineJob } from "../define-job";

export const predictionLogMaintenanceJob = defineJob({
  queue: "prediction-log-maintenance",
  name: "prediction-log-maintenance",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    await ensurePartitions(ctx.pool);
    const dropped = await dropOldPartitions(ctx.pool, ctx.settings.predictionLogRetentionDays);
    if (dropped.length) ctx.log(`dropped prediction-log partitions past retention: ${dropped.join(", ")}`);
    return { dropped };
  },
});
