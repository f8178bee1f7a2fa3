// Writes prediction records as blocks ("PredictionBlock", block-rows.ts) and their per-minute rollups in
// one transaction. Blocks already stored (same key: the same records) are skipped, and rollups and the
// drift reads' columnar copy count only the records of blocks actually inserted, so replaying a batch
// after a crash changes nothing. Served answers and shadow copies get
// rollup rows of their own, in the current histogram layout (rows of another layout are separate rows:
// the slot-by-slot sum below only ever adds histograms of one layout). A trigger adds each minute row's
// change to its hour's row ("MetricRollupHour") in the same transaction.
import type { Pool, PoolClient } from "pg";
import { BinaryRows, copyInBinary } from "../../../db/copy-in";
import { bucketOf, emptyHistogram, LATENCY_LAYOUT } from "../../shared/rollups";
import type { PredictionRecord } from "../../shared/prediction-log/record";
import { writeColumnBlocks } from "./write-column-blocks";
import { blockRowsOf, type BlockRow, type SourceBlock } from "./block-rows";
import { FLAG_SHADOW, type LogBlockView } from "../../shared/prediction-log/log-block";

/**
 * A batch's blocks are copied (COPY … FROM STDIN, binary) straight into "PredictionBlock". A batch that
 * repeats a stored block (a replay after a crash, a gateway's resend) breaks the unique key; then, and
 * only then, it is rolled back to a savepoint, copied into a temporary staging table and moved with
 * INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING, which says which blocks are new. Copying every
 * batch through the staging table cost Postgres a second copy of every block (`npm run bench:log-ingest`).
 * The staging table is the session's own, emptied at each commit.
 */
const STAGE = "prediction_block_stage";
const staged = new WeakSet<object>();
const COLUMNS = `"time","lastTime","endpointId","key","records","shadows","errors","maxLatencyMs","variants","statuses","requestHashes","data"`;
const UNIQUE_VIOLATION = "23505";

/** Makes the session's staging table, outside any transaction (call before BEGIN, then insertBlocks). */
export async function ensureStage(client: PoolClient): Promise<void> {
  if (staged.has(client)) return;
  // outside the batch's transaction: a rolled-back batch must not take the table with it
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (
    "time" timestamptz, "lastTime" timestamptz, "endpointId" text, "key" bytea, "records" int, "shadows" int, "errors" int,
    "maxLatencyMs" real, "variants" text[], "statuses" smallint[], "requestHashes" int[], "data" bytea) ON COMMIT DELETE ROWS`);
  staged.add(client);
}

function stageRows(blocks: BlockRow[]): BinaryRows {
  const b = new BinaryRows(blocks.reduce((n, x) => n + x.data.length + 8 * x.count + 256, 0));
  for (const x of blocks) {
    b.row(12).timestamptz(x.time).timestamptz(x.lastTime).text(x.endpointId).bytea(x.key).int4(x.count).int4(x.shadows).int4(x.errors).float4(x.maxLatencyMs);
    b.textArray(x.variants).intArray(x.statuses, 21).intArray(x.requestHashes).bytea(x.data);
  }
  return b;
}

/** Stores the sources' blocks not stored yet (in the caller's transaction); returns those it stored. */
export async function insertBlocks(client: PoolClient, sources: SourceBlock[]): Promise<BlockRow[]> {
  const blocks = blockRowsOf(sources);
  if (!blocks.length) return [];
  const data = stageRows(blocks).done();
  await client.query("SAVEPOINT direct");
  try {
    await copyInBinary(client, `"PredictionBlock" (${COLUMNS})`, data);
    return blocks;
  } catch (err) {
    if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    await client.query("ROLLBACK TO SAVEPOINT direct");
  }
  await copyInBinary(client, STAGE, data);
  const { rows } = await client.query<{ key: Buffer }>(`INSERT INTO "PredictionBlock" (${COLUMNS}) SELECT * FROM ${STAGE} ON CONFLICT ("key", "time") DO NOTHING RETURNING "key"`);
  const returned = new Set(rows.map((r) => r.key.toString("hex")));
  return blocks.filter((x) => returned.delete(x.key.toString("hex")));
}

/** Writes `records` (a replay of the same list adds nothing); returns how many were new. */
export function writePredictionBatch(pool: Pool, records: PredictionRecord[]): Promise<number> {
  return writePredictionBlocks(pool, [{ records }]);
}

/** Writes the sources' blocks not stored yet, their rollups and drift copy; returns how many records were new. */
export async function writePredictionBlocks(pool: Pool, sources: SourceBlock[]): Promise<number> {
  if (!sources.some((s) => (s.view ? s.view.n : s.records.length))) return 0;
  const client = await pool.connect();
  try {
    await ensureStage(client);
    await client.query("BEGIN");
    const inserted = await insertBlocks(client, sources);
    const records = inserted.flatMap((x) => x.records ?? []);
    const views = inserted.flatMap((x) => (x.view ? [x.view] : []));
    // the drift reads' columnar copy
    await writeColumnBlocks(client, records, views);
    const rollups = rollupsOf(records, views);
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
    return inserted.reduce((n, x) => n + x.count, 0);
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** SQLSTATE classes that mean Postgres refused the data itself: data exceptions, integrity violations, program limits. */
type Rollup = { endpointId: string; variant: string; minute: Date; shadow: boolean; version: number; count: number; errors: number; sum: number; buckets: number[] };

/** Per endpoint, variant, minute and served/shadow: counts, server errors and the latency histogram, as stored. */
export function rollupsOf(records: readonly PredictionRecord[], views: readonly LogBlockView[]): Map<string, Rollup> {
  const rollups = new Map<string, Rollup>();
  const add = (e: string, v: string, t: number, shadow: boolean, version: number) => {
    // as stored: whole microseconds, and the latency as a real
    const minuteMs = Math.floor(Math.round(t * 1000) / 60_000_000) * 60_000;
    const key = `${e}|${v}|${minuteMs}|${shadow}`;
    let a = rollups.get(key);
    if (!a) rollups.set(key, (a = { endpointId: e, variant: v, minute: new Date(minuteMs), shadow, version, count: 0, errors: 0, sum: 0, buckets: emptyHistogram() }));
    return a;
  };
  const count = (a: Rollup, status: number, latencyMs: number) => {
    const latency = Math.fround(latencyMs);
    a.count++;
    if (status >= 500) a.errors++;
    a.sum += latency;
    a.buckets[bucketOf(latency)]++;
  };
  for (const r of records) count(add(r.e, r.v, r.t, r.sh, r.n), r.s, r.l);
  for (const v of views) {
    // a block spans a minute or two: its records' rollups are found by number, not by a key string each
    const local = new Map<number, Rollup>();
    for (let j = 0; j < v.n; j++) {
      const shadow = (v.flags[j] & FLAG_SHADOW) !== 0;
      const k = Math.floor(Math.round(v.t[j] * 1000) / 60_000_000) * 131_072 + v.vc[j] * 2 + (shadow ? 1 : 0);
      let a = local.get(k);
      if (!a) local.set(k, (a = add(v.e, v.vs[v.vc[j]], v.t[j], shadow, v.nv[j])));
      count(a, v.st[j], v.l[j]);
    }
  }
  return rollups;
}

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
