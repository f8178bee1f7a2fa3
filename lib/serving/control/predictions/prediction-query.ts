// The one query behind the prediction-log explorer and its export: a filter resolved to a bounded time
// window, and a keyset page over "PredictionLog" newest first. Every query names the endpoint and
// bounds "time" from both sides, so Postgres prunes the daily partitions and walks a (time) index
// backwards, stopping at the page's last row; paging is by (time, id), never OFFSET.
import type { Db } from "../../../db/client";
import { AppError } from "../../../errors";
import { decodeCursor, encodeCursor, microIso, type Position } from "./prediction-cursor";

export const SHADOW_FILTERS = ["served", "shadow", "all"] as const;
export type ShadowFilter = (typeof SHADOW_FILTERS)[number];

/** `ok` (HTTP status below 400), `error` (400 and above) or one status code. */
export const STATUS_FILTER = /^(ok|error|[1-5][0-9]{2})$/;

export const DEFAULT_RANGE_MS = 3_600_000;
/** The widest window one query may read: seven daily partitions (eight when it starts mid-day). */
export const MAX_RANGE_MS = 7 * 86_400_000;

export type PredictionFilter = {
  /** ISO times; default: the hour before `to`, and `to` = now */
  from?: string;
  to?: string;
  variant?: string;
  status?: string;
  shadow?: ShadowFilter;
  minLatencyMs?: number;
  requestId?: string;
  /** equality on the first value of one input column: `value` is matched as a number when it reads as one, and as text */
  feature?: string;
  value?: string;
};

export type PredictionRecordView = {
  time: string;
  requestId: string;
  variant: string;
  version: number;
  status: number;
  latencyMs: number;
  shadow: boolean;
  rows: number;
  inputs: Record<string, unknown[]> | null;
  /** false: the endpoint's input sampling left this request's inputs out (inputs is null) */
  inputsSampled: boolean;
  outputs: Record<string, unknown[]> | null;
  error: string | null;
};

export type ResolvedQuery = { endpointId: string; from: Date; to: Date; filter: PredictionFilter; after: Position | null };

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

export function resolveQuery(opts: { endpointId: string; filter: PredictionFilter; cursor?: string; now?: Date }): ResolvedQuery {
  const { filter } = opts;
  const now = opts.now ?? new Date();
  const to = filter.to !== undefined ? new Date(filter.to) : now;
  const from = filter.from !== undefined ? new Date(filter.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from.getTime() >= to.getTime()) {
    throw new AppError("bad_request", `from (${from.toISOString()}) must be before to (${to.toISOString()})`, { field: "from" });
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new AppError("bad_request", `from and to span ${describeSpan(to.getTime() - from.getTime())}; one query reads at most 7 days: narrow the range (or export it a week at a time)`, { field: "from" });
  }
  if (filter.status !== undefined && !STATUS_FILTER.test(filter.status)) {
    throw new AppError("bad_request", "status must be ok, error or an HTTP status code such as 500", { field: "status" });
  }
  if ((filter.feature === undefined) !== (filter.value === undefined)) {
    const missing = filter.feature === undefined ? "feature" : "value";
    throw new AppError("bad_request", "filter on an input with both feature (its name) and value (e.g. feature=age&value=42)", { field: missing });
  }
  return { endpointId: opts.endpointId, from, to, filter, after: opts.cursor === undefined ? null : decodeCursor(opts.cursor) };
}

type Row = {
  key: string; us: string; time: Date; variant: string; version: number; requestId: string; status: number; latencyMs: number; shadow: boolean; rows: number;
  inputs: Record<string, unknown[]> | null; inputsSampled: boolean; outputs: Record<string, unknown[]> | null; error: string | null;
};

/** Rows of one query: the window's newest `take` that match, newest first. */
async function query(db: Db, q: ResolvedQuery, take: number): Promise<Row[]> {
  const { sql, params } = pageSql(q, take);
  return db.$queryRawUnsafe<Row[]>(sql, ...params);
}

const positionOf = (r: Row): Position => ({ us: BigInt(r.us), id: BigInt(r.key) });

/** One page of the whole window in one query, and the query of the next page (null at the end): what an export reads. */
export async function readPage(db: Db, q: ResolvedQuery, limit: number): Promise<{ records: PredictionRecordView[]; next: ResolvedQuery | null }> {
  const rows = await query(db, q, limit + 1);
  const last = rows[limit - 1];
  return { records: rows.slice(0, limit).map(toView), next: rows.length > limit ? { ...q, after: positionOf(last) } : null };
}

/** How long one page may search: a filter that matches little would otherwise read the whole window in one go. */
export const SEARCH_BUDGET_MS = 400;
const FIRST_SLICE_MS = 3_600_000;
const MIN_SLICE_MS = 60_000;

export type SearchedPage = {
  records: PredictionRecordView[];
  /** null: nothing older in the window matches */
  cursor: string | null;
  /** the oldest time this page looked at: the window's start, the last record's time, or where the search stopped to answer in time */
  searchedFrom: Date;
};

/**
 * One page, newest first, searched a time slice at a time from the newest: the first slice is an
 * hour, and the next ones as wide as the time left allows at the speed seen so far. A filter that
 * matches often fills the page in the first slice (one query); one that matches rarely stops after
 * about `budgetMs` with what it found and a cursor where it stopped, so every answer comes in time,
 * whatever the log's size. Each slice is a query bounded in time on both sides (partitions pruned).
 */
export async function searchPage(db: Db, q: ResolvedQuery, limit: number, budgetMs = SEARCH_BUDGET_MS): Promise<SearchedPage> {
  const started = performance.now();
  const floor = q.from.getTime();
  // a cursor's row is at `after.us`: the first slice ends just past it
  let hi = Math.min(q.to.getTime(), q.after ? Number(q.after.us / 1000n) + 1 : Infinity);
  let span = FIRST_SLICE_MS;
  const rows: Row[] = [];
  if (q.filter.minLatencyMs !== undefined) {
    const few = await fewMatches(db, { ...q, to: new Date(hi) }, limit);
    if (few) {
      const last = few[limit - 1];
      return few.length > limit
        ? { records: few.slice(0, limit).map(toView), cursor: encodeCursor(positionOf(last)), searchedFrom: last.time }
        : { records: few.map(toView), cursor: null, searchedFrom: q.from };
    }
  }
  for (;;) {
    const lo = Math.max(floor, hi - span);
    const sliceStarted = performance.now();
    rows.push(...(await query(db, { ...q, from: new Date(lo), to: new Date(hi) }, limit + 1 - rows.length)));
    const now = performance.now();
    if (rows.length > limit) {
      const last = rows[limit - 1];
      return { records: rows.slice(0, limit).map(toView), cursor: encodeCursor(positionOf(last)), searchedFrom: last.time };
    }
    if (lo <= floor) return { records: rows.map(toView), cursor: null, searchedFrom: q.from };
    const left = budgetMs - (now - started);
    if (left <= 0) {
      // everything at or after `lo` is searched: the next page starts just before it
      return { records: rows.map(toView), cursor: encodeCursor({ us: BigInt(lo) * 1000n, id: 0n }), searchedFrom: new Date(lo) };
    }
    const msPerMs = Math.max(now - sliceStarted, 0.5) / (hi - lo);
    span = Math.floor(Math.max(MIN_SLICE_MS, Math.min(span * 8, (left * 0.6) / msPerMs)));
    hi = lo;
  }
}

const FEW = 2_000;

/**
 * The newest `limit + 1` matches when the whole window holds fewer than 2,000 of them, else null.
 * For "slow requests" (minLatencyMs): Postgres's statistics cannot see how thin a latency tail is, so
 * it walks the time index expecting a match soon, and reads the whole window for 40 rows. Asked for
 * the matches unordered (a materialized CTE), it takes the (endpointId, latencyMs) index instead; a
 * threshold that matches much stops at 2,000 rows and the page is searched by time as usual.
 */
async function fewMatches(db: Db, q: ResolvedQuery, limit: number): Promise<Row[] | null> {
  const { sql, params } = pageSql(q, limit + 1, FEW);
  const rows = await db.$queryRawUnsafe<(Row & { found: number })[]>(sql, ...params);
  return rows.length && rows[0].found >= FEW ? null : rows;
}

/** The SQL of one page; exported for the benchmark's EXPLAIN. `unorderedCap`: see fewMatches. */
export function pageSql(q: ResolvedQuery, take: number, unorderedCap?: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = [`"endpointId" = ${p(q.endpointId)}`, `"time" >= ${p(q.from.toISOString())}::timestamptz`, `"time" < ${p(q.to.toISOString())}::timestamptz`];
  const f = q.filter;
  if (f.variant !== undefined) where.push(`variant = ${p(f.variant)}`);
  if (f.status === "ok") where.push("status < 400");
  else if (f.status === "error") where.push("status >= 400");
  else if (f.status !== undefined) where.push(`status = ${p(Number(f.status))}::smallint`);
  const shadow = f.shadow ?? "served";
  if (shadow !== "all") where.push(shadow === "shadow" ? "shadow" : "NOT shadow");
  // compared as real, the column's type, so 12.3 finds a row stored as 12.3
  if (f.minLatencyMs !== undefined) where.push(`"latencyMs" >= ${p(f.minLatencyMs)}::real`);
  if (f.requestId !== undefined) where.push(`"requestId" = ${p(f.requestId)}`);
  if (f.feature !== undefined && f.value !== undefined) {
    // inputs are json (text): the one value compared is read as jsonb, which compares numbers as numbers
    // (42 = 42.0); a value that reads as a number also matches the same text
    const first = `(inputs -> ${p(f.feature)} -> 0)::jsonb`;
    const asText = p(JSON.stringify(f.value));
    where.push(NUMBER.test(f.value) ? `${first} IN (${asText}::jsonb, ${p(f.value)}::jsonb)` : `${first} = ${asText}::jsonb`);
  }
  if (q.after) {
    // the plain bound lets the planner prune partitions and start the index scan at the cursor
    const t = p(microIso(q.after.us));
    where.push(`"time" <= ${t}::timestamptz`, `("time" < ${t}::timestamptz OR id < ${p(q.after.id.toString())}::int8)`);
  }
  const columns = `id::text AS "key", (extract(epoch FROM "time") * 1000000)::int8::text AS us, "time", variant, version, "requestId", status, "latencyMs", shadow, rows, inputs, "inputsSampled", outputs, error`;
  if (unorderedCap !== undefined) {
    const sql = `WITH m AS MATERIALIZED (SELECT ${columns} FROM "PredictionLog" WHERE ${where.join(" AND ")} LIMIT ${p(unorderedCap)}::int)
      SELECT *, (SELECT count(*) FROM m)::int AS found FROM m ORDER BY "time" DESC, "key"::int8 DESC LIMIT ${p(take)}::int`;
    return { sql, params };
  }
  const sql = `SELECT ${columns}
    FROM "PredictionLog"
    WHERE ${where.join("\n      AND ")}
    ORDER BY "time" DESC, id DESC
    LIMIT ${p(take)}::int`;
  return { sql, params };
}

function toView(r: Row): PredictionRecordView {
  return {
    time: r.time.toISOString(), requestId: r.requestId, variant: r.variant, version: r.version, status: r.status, latencyMs: r.latencyMs,
    shadow: r.shadow, rows: r.rows, inputs: r.inputs, inputsSampled: r.inputsSampled, outputs: r.outputs, error: r.error,
  };
}

function describeSpan(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 1 ? `${days.toFixed(1)} days` : `${(ms / 3_600_000).toFixed(1)} hours`;
}
