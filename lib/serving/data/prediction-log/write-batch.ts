// Writes prediction records and their per-minute rollups in one transaction. Records already
// stored (same request id, variant and time) are skipped, and rollups count only rows actually
// inserted, so replaying a batch after a crash changes nothing. Served answers and shadow copies get
// rollup rows of their own, in the current histogram layout (rows of another layout are separate rows:
// the slot-by-slot sum below only ever adds histograms of one layout). A trigger adds each minute row's
// change to its hour's row ("MetricRollupHour") in the same transaction.
import type { Pool, PoolClient } from "pg";
import { BinaryRows, copyInBinary, PG_EPOCH_MS } from "../../../db/copy-in";
import { bucketOf, emptyHistogram, LATENCY_LAYOUT } from "../../shared/rollups";
import type { PredictionRecord } from "./record";
import { writeColumnBlocks } from "./write-column-blocks";

/**
 * The batch is copied (COPY … FROM STDIN, binary) straight into "PredictionLog": binary COPY spares
 * node-postgres building, and Postgres parsing, array literals of every column (`npm run bench:log-ingest`:
 * they cost more than the insert). A batch holding a record already stored (a replay after a crash, a
 * gateway's resend) breaks the unique key; then, and only then, it is copied into a temporary staging
 * table and moved with INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING, which says which records are
 * new. The direct COPY spares the common case that second copy and the matching of returned keys
 * (about a tenth of ingest's CPU per record). The staging table is the session's own, emptied at each commit.
 */
const STAGE = "prediction_log_stage";
const staged = new WeakSet<object>();

async function ensureStage(client: PoolClient): Promise<void> {
  if (staged.has(client)) return;
  // outside the batch's transaction: a rolled-back batch must not take the table with it
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (
    "time" timestamptz, "endpointId" text, "variant" text, "version" int, "requestId" text, "status" smallint, "latencyMs" real,
    "shadow" bool, "rows" int, "inputs" json, "outputs" jsonb, "error" text, "inputsSampled" bool) ON COMMIT DELETE ROWS`);
  staged.add(client);
}

/** Microseconds since 2000-01-01 as Postgres stores a timestamptz: the key a returned row is matched by. */
const pgMicros = (ms: number) => Math.round((ms - PG_EPOCH_MS) * 1000);
const keyOf = (requestId: string, variant: string, micros: number) => `${requestId}\u0000${variant}\u0000${micros}`;

function stageRows(records: PredictionRecord[]): BinaryRows {
  const b = new BinaryRows(records.length * 1024);
  for (const r of records) {
    b.row(13).timestamptz(r.t).text(r.e).text(r.v).int4(r.n).text(r.id).int2(r.s).float4(r.l).bool(r.sh).int4(r.r);
    if (r.in && !r.ns) b.text(JSON.stringify(r.in)); // json: its text
    else b.null();
    if (r.out) b.jsonb(JSON.stringify(r.out));
    else b.null();
    if (r.err !== undefined) b.text(r.err);
    else b.null();
    b.bool(!r.ns);
  }
  return b;
}

export async function writePredictionBatch(pool: Pool, records: PredictionRecord[]): Promise<number> {
  if (!records.length) return 0;
  const client = await pool.connect();
  try {
    await ensureStage(client);
    await client.query("BEGIN");
    const inserted = await insertNew(client, records);
    // the drift reads' columnar copy
    await writeColumnBlocks(client, inserted);
    const rollups = new Map<string, { endpointId: string; variant: string; minute: Date; shadow: boolean; version: number; count: number; errors: number; sum: number; buckets: number[] }>();
    for (const r of inserted) {
      // as stored: whole microseconds, and the latency as a real
      const minuteMs = Math.floor(Math.round(r.t * 1000) / 60_000_000) * 60_000;
      const key = `${r.e}|${r.v}|${minuteMs}|${r.sh}`;
      let a = rollups.get(key);
      if (!a) rollups.set(key, (a = { endpointId: r.e, variant: r.v, minute: new Date(minuteMs), shadow: r.sh, version: r.n, count: 0, errors: 0, sum: 0, buckets: emptyHistogram() }));
      const latency = Math.fround(r.l);
      a.count++;
      if (r.s >= 500) a.errors++;
      a.sum += latency;
      a.buckets[bucketOf(latency)]++;
    }
    // A minute row is locked before its hour's row (by the trigger), so two consumers writing different
    // minutes of one hour could each wait for the other. One lock per endpoint, taken in order, makes
    // concurrent consumers take their turns on the rollups instead (held only for this last step).
    const endpoints = [...new Set([...rollups.values()].map((a) => a.endpointId))];
    if (endpoints.length) {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('metric-rollup:' || e, 0)) FROM (SELECT e FROM unnest($1::text[]) AS e ORDER BY e) s`, [endpoints]);
    }
    for (const a of rollups.values()) {
      await client.query(
        `INSERT INTO "MetricRollup" ("endpointId","variant","minute","shadow","latencyLayout","version","count","errors","shadowCount","latencySumMs","latencyBuckets")
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
         ON CONFLICT ("endpointId","variant","minute","shadow","latencyLayout") DO UPDATE SET
           "count" = "MetricRollup"."count" + EXCLUDED."count",
           "errors" = "MetricRollup"."errors" + EXCLUDED."errors",
           "shadowCount" = "MetricRollup"."shadowCount" + EXCLUDED."shadowCount",
           "latencySumMs" = "MetricRollup"."latencySumMs" + EXCLUDED."latencySumMs",
           "latencyBuckets" = ARRAY(SELECT COALESCE(x, 0) + COALESCE(y, 0) FROM unnest("MetricRollup"."latencyBuckets", EXCLUDED."latencyBuckets") AS t(x, y))`,
        [a.endpointId, a.variant, a.minute, a.shadow, LATENCY_LAYOUT, a.version, a.count, a.errors, a.shadow ? a.count : 0, a.sum, a.buckets],
      );
    }
    await client.query("COMMIT");
    return inserted.length;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const COLUMNS = `"time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs","error","inputsSampled"`;
const UNIQUE_VIOLATION = "23505";

/** Stores the records not stored yet; returns them, in batch order (of two copies of one record in the batch, the first). */
async function insertNew(client: PoolClient, records: PredictionRecord[]): Promise<PredictionRecord[]> {
  const data = stageRows(records).done();
  await client.query("SAVEPOINT direct");
  try {
    await copyInBinary(client, `"PredictionLog" (${COLUMNS})`, data);
    return records;
  } catch (err) {
    if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    await client.query("ROLLBACK TO SAVEPOINT direct");
  }
  await copyInBinary(client, STAGE, data);
  const { rows } = await client.query<{ requestId: string; variant: string; us: string }>({
    text: `INSERT INTO "PredictionLog" (${COLUMNS})
     SELECT * FROM ${STAGE}
     ON CONFLICT ("requestId","variant","time") DO NOTHING
     RETURNING "requestId","variant",((extract(epoch FROM "time") - 946684800) * 1000000)::int8::text AS us`,
  });
  const returned = new Set(rows.map((r) => keyOf(r.requestId, r.variant, Number(r.us))));
  return records.filter((r) => returned.delete(keyOf(r.id, r.v, pgMicros(r.t))));
}

/** SQLSTATE classes that mean Postgres refused the data itself: data exceptions, integrity violations, program limits. */
const REFUSED_DATA_CLASSES = new Set(["22", "23", "54"]);

/**
 * Why Postgres refused the records a write was given (a NUL in a string, a value out of range…), or
 * null when the failure is not about the data (connection lost, database down, a missing table): those
 * are retried, never blamed on a record.
 */
export function refusalOf(err: unknown): string | null {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown } | null;
  if (typeof e?.code !== "string" || !/^[0-9A-Z]{5}$/.test(e.code) || !REFUSED_DATA_CLASSES.has(e.code.slice(0, 2))) return null;
  const detail = typeof e.detail === "string" && e.detail ? ` (${e.detail})` : "";
  return `Postgres refused the record: ${String(e.message)}${detail} [SQLSTATE ${e.code}]`.slice(0, 500);
}

/** Daily partitions from yesterday to `daysAhead` days out; safe to call often. */
export async function ensurePartitions(pool: Pool, daysAhead = 7, now = new Date()): Promise<void> {
  for (let i = -1; i <= daysAhead; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + i));
    const next = new Date(d.getTime() + 86_400_000);
    const name = `PredictionLog_${d.toISOString().slice(0, 10).replace(/-/g, "")}`;
    try {
      await pool.query(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "PredictionLog" FOR VALUES FROM ('${d.toISOString()}') TO ('${next.toISOString()}')`);
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
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'PredictionLog' AND c.relname ~ '^PredictionLog_[0-9]{8}$'`,
  );
  const old = rows.map((r) => r.name).filter((n) => n.slice("PredictionLog_".length) < cutoff);
  for (const name of old) await pool.query(`DROP TABLE IF EXISTS "${name}"`);
  return old;
}
