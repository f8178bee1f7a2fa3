// Scheduled: keeps the prediction log's daily partitions ahead and drops those past
// PREDICTION_LOG_RETENTION_DAYS (every PREDICTION_LOG_MAINTENANCE_MS, one job worker per period);
// moves rows an earlier version logged into blocks (convert-row-log.ts);
// merges the columnar copy's blocks of each past hour and drops those past the same retention.
import { z } from "zod";
import { dropOldPartitions, ensurePartitions } from "../../serving/data/prediction-log/partitions";
import { convertRowLog } from "../../serving/data/prediction-log/convert-row-log";
import { compactColumnBlocks } from "../../serving/data/prediction-log/compact-column-blocks";
import { dropOldColumnBlocks } from "../../serving/data/prediction-log/drop-old-column-blocks";
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
    const converted = await convertRowLog(ctx.pool, 1_000_000);
    if (converted) ctx.log(`moved ${converted} prediction-log rows of an earlier version into blocks`);
    await dropOldColumnBlocks({ pool: ctx.pool, retentionDays: ctx.settings.predictionLogRetentionDays });
    await compactColumnBlocks({ pool: ctx.pool });
    return { dropped };
  },
});
