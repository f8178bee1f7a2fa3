// Ingest writes a columnar block per batch (write-column-blocks.ts): at a low request rate that is a
// block of a few rows every second or so, and a drift read would pay a header per handful of rows.
// Once an hour is over, its blocks of one endpoint and version are merged into one, so a day is read as
// a few dozen blocks whatever the traffic was like. Each hour is merged in its own transaction.
import type { Pool } from "pg";
import { mergeColumnBlocks } from "./column-block";

const HOUR = 3_600_000;

/** Merges the blocks of every hour that ended before `now` and has more than one; returns hours merged. */
export async function compactColumnBlocks(opts: { pool: Pool; now?: Date; limit?: number }): Promise<number> {
  const { pool } = opts;
  const before = new Date(Math.floor((opts.now ?? new Date()).getTime() / HOUR) * HOUR);
  const { rows: hours } = await pool.query<{ endpointId: string; version: number; hour: Date }>(
    `SELECT "endpointId", version, hour FROM "PredictionColumns" WHERE hour < $1
     GROUP BY "endpointId", version, hour HAVING count(*) > 1 ORDER BY hour LIMIT $2`,
    [before, opts.limit ?? 1000],
  );
  for (const h of hours) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string; data: Buffer }>(
        `SELECT id::text, data FROM "PredictionColumns" WHERE "endpointId" = $1 AND version = $2 AND hour = $3 ORDER BY id FOR UPDATE`,
        [h.endpointId, h.version, h.hour],
      );
      if (rows.length > 1) {
        const merged = mergeColumnBlocks(rows.map((r) => r.data));
        await client.query(`DELETE FROM "PredictionColumns" WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
        await client.query(`INSERT INTO "PredictionColumns" ("endpointId","version","hour","rows","data") VALUES ($1,$2,$3,$4,$5)`, [h.endpointId, h.version, h.hour, merged.rows, merged.block]);
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  return hours.length;
}
