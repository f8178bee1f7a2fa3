// The log's records of an endpoint over a time window, for the readers that aggregate them (the shadow
// comparison, the alert readers): the blocks reaching into the window, decoded, and the records in it.
import type { Db } from "../../../db/client";
import { BLOCK_COLUMNS, MAX_BLOCK_SPAN_MS, recordsOfBlock, type StoredBlock, type StoredRecord } from "./read-blocks";
import { readNewestRecords } from "./read-newest";
import { requestHash } from "./request-hash";
import type { LogBlockView } from "./log-block";

export type WindowQuery = {
  endpointId: string;
  /** epoch ms, from inclusive, to exclusive */
  from: number;
  to: number;
  /** only blocks holding shadow copies (through a partial index) or served answers */
  kind?: "shadow" | "served";
  /** only blocks holding one of these request ids' hashes (through the GIN index) */
  requestIds?: readonly string[];
};

/**
 * The SQL conditions of a window query. A record's time and its block's stored bounds may differ by the
 * microsecond of their rounding: the bounds are widened by a millisecond and the records filtered exactly.
 */
function windowWhere(q: WindowQuery): { where: string[]; params: unknown[] } {
  const where = [`"endpointId" = $1`, `"time" < $2::timestamptz`, `"time" >= $3::timestamptz`, `"lastTime" >= $4::timestamptz`];
  const params: unknown[] = [q.endpointId, new Date(q.to + 1), new Date(q.from - MAX_BLOCK_SPAN_MS - 1), new Date(q.from - 1)];
  if (q.kind === "shadow") where.push("shadows > 0");
  if (q.kind === "served") where.push("records > shadows");
  if (q.requestIds) {
    params.push([...new Set(q.requestIds.map(requestHash))]);
    where.push(`"requestHashes" && $${params.length}::int4[]`);
  }
  return { where, params };
}

/** The same, on a block's columns: no record is made of those outside */
const inWindowColumns = (q: WindowQuery) => (v: LogBlockView, j: number) => v.t[j] >= q.from && v.t[j] < q.to;

/** The window's records (of blocks the query's kind and ids select; the caller filters records further). */
export async function readWindow(db: Db, q: WindowQuery): Promise<StoredRecord[]> {
  if (q.requestIds && !q.requestIds.length) return [];
  const { where, params } = windowWhere(q);
  const blocks = await db.$queryRawUnsafe<StoredBlock[]>(`SELECT ${BLOCK_COLUMNS} FROM "PredictionBlock" WHERE ${where.join(" AND ")}`, ...params);
  const keep = inWindowColumns(q);
  const out: StoredRecord[] = [];
  for (const b of blocks) out.push(...recordsOfBlock(b, keep));
  return out;
}

/**
 * The newest `limit` records of the window that `match` keeps, newest first: blocks are read latest
 * first, 256 at a time, until no block left can hold a newer match (memory stays bounded by the limit,
 * not by the window).
 */
export async function readNewest(db: Db, q: WindowQuery, limit: number, match: (r: StoredRecord) => boolean): Promise<StoredRecord[]> {
  const { where, params } = windowWhere(q);
  const { records } = await readNewestRecords(db, { where, params, keep: inWindowColumns(q), match, take: limit, firstPage: 256, maxPage: 256 });
  return records;
}

/**
 * The served answers (status 200) to the requests of these shadow copies, logged within [from, to), by
 * request id (all of them, where a client reused an id).
 */
export async function servedFor(db: Db, endpointId: string, shadows: readonly StoredRecord[], from: number, to: number): Promise<Map<string, StoredRecord[]>> {
  const served = await readWindow(db, { endpointId, from, to, kind: "served", requestIds: shadows.map((s) => s.id) });
  const wanted = new Set(shadows.map((s) => s.id));
  const byId = new Map<string, StoredRecord[]>();
  for (const r of served) {
    if (r.sh || r.s !== 200 || !wanted.has(r.id)) continue;
    const list = byId.get(r.id);
    if (list) list.push(r);
    else byId.set(r.id, [r]);
  }
  return byId;
}

/** Of a request's served answers, the one logged nearest in time to its shadow copy, within `slackMs`. */
export function pairOf(shadow: StoredRecord, served: readonly StoredRecord[] | undefined, slackMs: number): StoredRecord | null {
  let best: StoredRecord | null = null;
  for (const p of served ?? []) {
    const d = Math.abs(p.t - shadow.t);
    if (d <= slackMs && (!best || d < Math.abs(best.t - shadow.t))) best = p;
  }
  return best;
}

/** The first output's values of an answer (the model's first output), or null. */
export function firstOutput(r: StoredRecord): readonly (number | string)[] | null {
  if (!r.out) return null;
  for (const k in r.out) return r.out[k];
  return null;
}

/** A value to average or compare: a finite number or a string (NaN and ±Infinity a model answered count as neither). */
const usable = (x: unknown): x is number | string => (typeof x === "number" && Number.isFinite(x)) || typeof x === "string";

/** How a shadow's answer compares with the served one: the first value of each's first output. */
export function comparePair(shadow: StoredRecord, served: StoredRecord): { numbers: boolean; comparable: boolean; diff: number; equal: boolean } {
  const sv = firstOutput(shadow)?.[0];
  const pv = firstOutput(served)?.[0];
  if (!usable(sv) || !usable(pv)) return { numbers: false, comparable: false, diff: 0, equal: false };
  const numbers = typeof sv === "number" && typeof pv === "number";
  const comparable = typeof sv === typeof pv;
  return { numbers, comparable, diff: numbers ? Math.abs(sv - pv) : 0, equal: comparable && sv === pv };
}
