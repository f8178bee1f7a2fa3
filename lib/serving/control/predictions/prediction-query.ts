// The one query behind the prediction-log explorer and its export: a filter resolved to a bounded time
// window, and a keyset page over the log's blocks ("PredictionBlock") newest first. Every query names the
// endpoint and bounds "time" from both sides, so Postgres prunes the daily partitions; blocks are read by
// their latest record's time backwards, those that cannot hold a match skipped by their summary columns,
// and decoded until the page is full; paging is by (time, key), never OFFSET.
import type { Db } from "../../../db/client";
import { AppError } from "../../../errors";
import { FLAG_NOT_SAMPLED, type LogBlockView } from "../../shared/prediction-log/log-block";
import { MAX_BLOCK_SPAN_MS, newestFirst, recordsOfBlock, type StoredBlock, type StoredRecord } from "../../shared/prediction-log/read-blocks";
import { newestBlocksSql, readNewestRecords, type BlockCursor } from "../../shared/prediction-log/read-newest";
import { requestHash } from "../../shared/prediction-log/request-hash";
import { decodeCursor, encodeCursor, type Position } from "./prediction-cursor";

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

type Row = StoredRecord;

/** Blocks read per query at first; each further query of the same page reads twice as many (up to 512). */
const FIRST_BLOCKS = 8;

/**
 * Rows of one query: the window's newest `take` that match, newest first. Past `deadline` (performance.now()
 * time) it stops between two reads of blocks with the rows it is sure of, and `stoppedAt`: every record
 * after that time (µs) was searched, none at or before it.
 */
async function query(db: Db, q: ResolvedQuery, take: number, deadline = Infinity): Promise<{ rows: Row[]; stoppedAt: bigint | null }> {
  const { where, params } = blockWhere(q);
  const { records, stoppedAt } = await readNewestRecords(db, { where, params, keep: columnFilter(q), match: recordFilter(q), take, firstPage: FIRST_BLOCKS, maxPage: 512, deadline });
  return { rows: records, stoppedAt };
}

const positionOf = (r: Row): Position => ({ us: r.us, id: r.key });
/** One page of the whole window in one query, and the query of the next page (null at the end): what an export reads. */
export async function readPage(db: Db, q: ResolvedQuery, limit: number): Promise<{ records: PredictionRecordView[]; next: ResolvedQuery | null }> {
  const { rows } = await query(db, q, limit + 1);
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
        ? { records: few.slice(0, limit).map(toView), cursor: encodeCursor(positionOf(last)), searchedFrom: new Date(Number(last.us / 1000n)) }
        : { records: few.map(toView), cursor: null, searchedFrom: q.from };
    }
  }
  for (;;) {
    const lo = Math.max(floor, hi - span);
    const sliceStarted = performance.now();
    const slice = await query(db, { ...q, from: new Date(lo), to: new Date(hi) }, limit + 1 - rows.length, started + budgetMs);
    rows.push(...slice.rows);
    const now = performance.now();
    if (rows.length > limit) {
      const last = rows[limit - 1];
      return { records: rows.slice(0, limit).map(toView), cursor: encodeCursor(positionOf(last)), searchedFrom: new Date(Number(last.us / 1000n)) };
    }
    if (slice.stoppedAt !== null) {
      // out of time inside the slice (a busy log): everything after stoppedAt is searched
      return { records: rows.map(toView), cursor: encodeCursor({ us: slice.stoppedAt + 1n, id: 0n }), searchedFrom: new Date(Number(slice.stoppedAt / 1000n)) };
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

const FEW = 256;

/**
 * The newest `limit + 1` matches when the window holds fewer than 256 blocks that may hold one, else
 * null. For "slow requests" (minLatencyMs): a latency tail is thin, so reading blocks by time would read
 * the whole window for 40 records; the blocks whose slowest record passes the threshold are found through
 * the (endpointId, maxLatencyMs) index instead; a threshold that many blocks pass is searched by time.
 */
async function fewMatches(db: Db, q: ResolvedQuery, limit: number): Promise<Row[] | null> {
  const { sql, params } = blockSql(q, FEW, null, false);
  const blocks = await db.$queryRawUnsafe<StoredBlock[]>(sql, ...params);
  if (blocks.length >= FEW) return null;
  const match = recordFilter(q);
  const keep = columnFilter(q);
  return blocks.flatMap((b) => recordsOfBlock(b, keep)).filter(match).sort(newestFirst).slice(0, limit + 1);
}

/**
 * The SQL selecting the blocks a query may find records in, latest first (after `before`: the last block
 * read), `take` of them; `ordered: false` in no order (see fewMatches). Exported for the benchmark's EXPLAIN.
 */
export function blockSql(q: ResolvedQuery, take: number, before: BlockCursor | null, ordered = true): { sql: string; params: unknown[] } {
  const { where, params } = blockWhere(q);
  return newestBlocksSql(where, params, take, before, ordered);
}

/** The conditions on a block's summary columns that a block holding a match meets. */
function blockWhere(q: ResolvedQuery): { where: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const to = q.after ? Math.min(q.to.getTime(), Number(q.after.us / 1000n) + 1) : q.to.getTime();
  const where = [
    `"endpointId" = ${p(q.endpointId)}`,
    // "time" (the partition key) bounds both sides: a block starts at most MAX_BLOCK_SPAN_MS before its last record
    `"time" < ${p(new Date(to).toISOString())}::timestamptz`,
    `"time" >= ${p(new Date(q.from.getTime() - MAX_BLOCK_SPAN_MS).toISOString())}::timestamptz`,
    `"lastTime" >= ${p(q.from.toISOString())}::timestamptz`,
  ];
  const f = q.filter;
  if (f.variant !== undefined) where.push(`${p(f.variant)} = ANY(variants)`);
  if (f.status === "ok") where.push("EXISTS (SELECT 1 FROM unnest(statuses) s WHERE s < 400)");
  else if (f.status === "error") where.push("errors > 0");
  else if (f.status !== undefined) where.push(`${p(Number(f.status))}::smallint = ANY(statuses)`);
  const shadow = f.shadow ?? "served";
  if (shadow !== "all") where.push(shadow === "shadow" ? "shadows > 0" : "records > shadows");
  if (f.minLatencyMs !== undefined) where.push(`"maxLatencyMs" >= ${p(f.minLatencyMs)}::real`);
  if (f.requestId !== undefined) where.push(`"requestHashes" @> ARRAY[${p(requestHash(f.requestId))}::int4]`);
  return { where, params };
}

/**
 * The cheap part of the filter, judged on a block's columns before a record is made of each: the window,
 * and an input's value (a week's search for a value that never occurs reads every record's inputs).
 */
function columnFilter(q: ResolvedQuery): (v: LogBlockView, j: number) => boolean {
  const from = q.from.getTime() - 1;
  const to = q.to.getTime() + 1;
  const { feature, value } = q.filter;
  const asNumber = value !== undefined && NUMBER.test(value) ? Number(value) : null;
  let columnsOf: LogBlockView | null = null;
  let columns: number[] = [];
  return (v, j) => {
    if (v.t[j] < from || v.t[j] >= to) return false;
    if (feature === undefined) return true;
    if (v.flags[j] & FLAG_NOT_SAMPLED) return false;
    // the input columns of that name in this block (one per kind the gateway logged it as)
    if (columnsOf !== v) {
      columnsOf = v;
      columns = v.cols.flatMap((c, k) => (c.s === "i" && c.n === feature ? [k] : []));
    }
    const sig = v.sigs[v.sg[j]].i;
    for (const c of columns) {
      if (!sig?.includes(c) || !v.counts[c][j]) continue;
      const x = v.values[c][v.starts[c][j]];
      const first = typeof x === "bigint" ? Number(x) : x;
      return first === value || (asNumber !== null && typeof first === "number" && first === asNumber);
    }
    return false;
  };
}

/** Whether a record passes the query's filter, window and cursor (the blocks' columns only narrow them down). */
function recordFilter(q: ResolvedQuery): (r: Row) => boolean {
  const f = q.filter;
  const fromUs = BigInt(q.from.getTime()) * 1000n;
  const toUs = BigInt(q.to.getTime()) * 1000n;
  const after = q.after;
  const shadow = f.shadow ?? "served";
  const status = f.status === undefined || f.status === "ok" || f.status === "error" ? null : Number(f.status);
  const minLatency = f.minLatencyMs === undefined ? null : Math.fround(f.minLatencyMs);
  const value = f.value;
  const asNumber = value !== undefined && NUMBER.test(value) ? Number(value) : null;
  return (r) => {
    if (r.us < fromUs || r.us >= toUs) return false;
    if (after && (r.us > after.us || (r.us === after.us && r.key >= after.id))) return false;
    if (f.variant !== undefined && r.v !== f.variant) return false;
    if (f.status === "ok" ? r.s >= 400 : f.status === "error" ? r.s < 400 : status !== null && r.s !== status) return false;
    if (shadow !== "all" && r.sh !== (shadow === "shadow")) return false;
    // compared as a real, as the latency was stored before blocks, so 12.3 finds a record of 12.3
    if (minLatency !== null && Math.fround(r.l) < minLatency) return false;
    if (f.requestId !== undefined && r.id !== f.requestId) return false;
    if (f.feature !== undefined) {
      const first = r.in && Object.hasOwn(r.in, f.feature) ? r.in[f.feature][0] : undefined;
      // numbers compare as numbers (42 matches 42.0); a value that reads as a number also matches the same text
      if (!(first === value || (asNumber !== null && typeof first === "number" && first === asNumber))) return false;
    }
    return true;
  };
}

function toView(r: Row): PredictionRecordView {
  return {
    time: new Date(r.t).toISOString(), requestId: r.id, variant: r.v, version: r.n, status: r.s, latencyMs: Math.fround(r.l),
    shadow: r.sh, rows: r.r, inputs: r.in, inputsSampled: !r.ns, outputs: r.out, error: r.err ?? null,
  };
}

function describeSpan(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 1 ? `${days.toFixed(1)} days` : `${(ms / 3_600_000).toFixed(1)} hours`;
}
