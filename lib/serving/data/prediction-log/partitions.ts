// The prediction log's daily partitions ("PredictionBlock", and the per-request "PredictionLog" of
// earlier versions until its rows are moved into blocks, convert-row-log.ts).
import type { Pool } from "pg";

const TABLES = ["PredictionBlock", "PredictionLog"] as const;

/** Daily partitions of "PredictionBlock" from yesterday to `daysAhead` days out; safe to call often. */
export async function ensurePartitions(pool: Pool, daysAhead = 7, now = new Date()): Promise<void> {
  await ensureDays(pool, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + daysAhead * 86_400_000));
}

/** Daily partitions of "PredictionBlock" for every UTC day from `from` to `to` (both included). */
export async function ensureDays(pool: Pool, from: Date, to: Date): Promise<void> {
  const first = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let day = first; day <= to.getTime(); day += 86_400_000) {
    const d = new Date(day);
    const next = new Date(d.getTime() + 86_400_000);
    const name = `PredictionBlock_${d.toISOString().slice(0, 10).replace(/-/g, "")}`;
    try {
      await pool.query(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "PredictionBlock" FOR VALUES FROM ('${d.toISOString()}') TO ('${next.toISOString()}')`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 23514: rows for that day already sit in the default partition: leave them there.
      // 42P07/23505: another job worker created the same partition at the same moment (IF NOT EXISTS races).
      if (code !== "23514" && code !== "42P07" && code !== "23505") throw err;
    }
  }
}

/** Drops daily partitions older than `retentionDays` (a partition drop is instant, unlike DELETE). */
export async function dropOldPartitions(pool: Pool, retentionDays: number, now = new Date()): Promise<string[]> {
  if (retentionDays <= 0) return [];
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - retentionDays)).toISOString().slice(0, 10).replace(/-/g, "");
  const { rows } = await pool.query<{ name: string; parent: string }>(
    `SELECT c.relname AS name, p.relname AS parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = ANY($1::text[]) AND c.relname ~ '_[0-9]{8}$'`,
    [TABLES],
  );
  const old = rows.filter((r) => r.name === `${r.parent}_${r.name.slice(-8)}` && r.name.slice(-8) < cutoff).map((r) => r.name);
  for (const name of old) await pool.query(`DROP TABLE IF EXISTS "${name}"`);
  // blocks of days that had no partition yet when written sit in the default partition: deleted by time
  await pool.query(`DELETE FROM "PredictionBlock_default" WHERE "time" < $1`, [new Date(`${cutoff.slice(0, 4)}-${cutoff.slice(4, 6)}-${cutoff.slice(6)}T00:00:00Z`)]);
  return old;
}
