// Moves what earlier versions logged a row per request ("PredictionLog") into blocks ("PredictionBlock"),
// a few thousand rows a transaction: each is deleted in the transaction that stores its block, so a crash
// midway loses and repeats nothing. Run by the prediction-log maintenance job until the table is empty.
// Only the log moves: the rollups and the drift reads' columnar copy were written when the rows were.
import type { Pool } from "pg";
import type { PredictionRecord } from "../../shared/prediction-log/record";
import { ensureStage, insertBlocks } from "./write-batch";
import { ensureDays } from "./partitions";

const CHUNK = 4096;

type Row = { ms: number; endpointId: string; variant: string; version: number; requestId: string; status: number; latencyMs: number; shadow: boolean; rows: number; inputs: PredictionRecord["in"]; outputs: PredictionRecord["out"]; error: string | null; inputsSampled: boolean };

/**
 * Moves up to `limit` rows (a maintenance run moves a million at most, so that it ends); returns how many
 * moved (0: none is left). The days the rows span get their block partitions first, so that the blocks
 * land in daily partitions that retention drops, not in the default one.
 */
export async function convertRowLog(pool: Pool, limit = Infinity): Promise<number> {
  const span = (await pool.query<{ lo: Date | null; hi: Date | null }>(`SELECT min("time") AS lo, max("time") AS hi FROM "PredictionLog"`)).rows[0];
  if (!span.lo || !span.hi) return 0;
  // within a year back and a week ahead: a forged time far out goes to the default partition, not to
  // thousands of partitions of its own
  const now = Date.now();
  await ensureDays(pool, new Date(Math.max(span.lo.getTime(), now - 366 * 86_400_000)), new Date(Math.min(span.hi.getTime(), now + 8 * 86_400_000)));
  let moved = 0;
  while (moved < limit) {
    const client = await pool.connect();
    try {
      await ensureStage(client);
      await client.query("BEGIN");
      // one endpoint's rows in time order make full blocks
      const { rows } = await client.query<Row>(
        `WITH chunk AS (SELECT "time", id FROM "PredictionLog" ORDER BY "endpointId", "time" LIMIT ${CHUNK} FOR UPDATE SKIP LOCKED)
         DELETE FROM "PredictionLog" l USING chunk WHERE l."time" = chunk."time" AND l.id = chunk.id
         RETURNING extract(epoch FROM l."time")::float8 * 1000 AS ms, l."endpointId", l.variant, l.version, l."requestId", l.status, l."latencyMs",
                   l.shadow, l.rows, l.inputs, l.outputs, l.error, l."inputsSampled"`,
      );
      const records = rows.map((r): PredictionRecord => ({
        t: r.ms, e: r.endpointId, v: r.variant, n: r.version, id: r.requestId, s: r.status, l: r.latencyMs, sh: r.shadow, r: r.rows,
        in: r.inputsSampled ? r.inputs : null, out: r.outputs, err: r.error ?? undefined, ns: r.inputsSampled ? undefined : true,
      }));
      if (records.length) await insertBlocks(client, [{ records }]);
      await client.query("COMMIT");
      moved += records.length;
      if (records.length < CHUNK) return moved;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  return moved;
}
