// Retention of the prediction log's columnar copy (column-block.ts): the same days as the log's daily
// partitions (dropOldPartitions). A DELETE, not a partition drop: the table holds a few dozen rows per
// endpoint and day once compacted.
import type { Pool } from "pg";

/** Deletes blocks of hours older than `retentionDays` days (the prediction log's own retention). */
export async function dropOldColumnBlocks(opts: { pool: Pool; retentionDays: number; now?: Date }): Promise<number> {
  if (opts.retentionDays <= 0) return 0;
  const now = opts.now ?? new Date();
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - opts.retentionDays));
  const r = await opts.pool.query(`DELETE FROM "PredictionColumns" WHERE hour < $1`, [cutoff]);
  return r.rowCount ?? 0;
}
