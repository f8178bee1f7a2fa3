// The one block pager of the prediction log: blocks selected by a reader's conditions, read latest first
// (by their latest record's time, then id) a page at a time, decoded, and the newest records that match
// kept. The explorer (a page of a filtered window, on a time budget) and the shadow comparison (the
// newest N shadow copies, in bounded memory) both read through it.
import type { Db } from "../../../db/client";
import type { LogBlockView } from "./log-block";
import { BLOCK_COLUMNS, newestFirst, recordsOfBlock, type StoredBlock, type StoredRecord } from "./read-blocks";

/** The last block a page read: its latest record's time (µs since the epoch) and its id. */
export type BlockCursor = { us: bigint; id: string };

/** An ISO time with microseconds (JS Dates stop at milliseconds; a cursor must not lose a row stored between them). */
export function microIso(us: bigint): string {
  return new Date(Number(us / 1000n)).toISOString().replace("Z", `${(us % 1000n).toString().padStart(3, "0")}Z`);
}

/**
 * The SQL selecting `take` blocks that meet `where` (its `$n` placeholders numbered over `params`), latest
 * first after `before`; `ordered: false` in no order (for a caller that reads them all).
 */
export function newestBlocksSql(where: readonly string[], params: readonly unknown[], take: number, before: BlockCursor | null, ordered = true): { sql: string; params: unknown[] } {
  const args = [...params];
  const p = (v: unknown) => `$${args.push(v)}`;
  const conditions = [...where];
  if (before) conditions.push(`("lastTime", id) < (${p(microIso(before.us))}::timestamptz, ${p(before.id)}::int8)`);
  const columns = `${BLOCK_COLUMNS}, (extract(epoch FROM "lastTime") * 1000000)::int8::text AS last`;
  const order = ordered ? `ORDER BY "lastTime" DESC, id DESC` : "";
  return { sql: `SELECT ${columns} FROM "PredictionBlock" WHERE ${conditions.join("\n      AND ")} ${order} LIMIT ${p(take)}::int`, params: args };
}

export type NewestQuery = {
  /** the conditions selecting the blocks that may hold a match; `$n` placeholders numbered over `params` */
  where: readonly string[];
  params: readonly unknown[];
  /** judged on a block's columns, before a record is made of each (the window, cheap filters) */
  keep?: (v: LogBlockView, j: number) => boolean;
  /** judged on each record kept */
  match: (r: StoredRecord) => boolean;
  /** the newest this many matches */
  take: number;
  /** blocks read by the first query; each further one reads twice as many, up to `maxPage` */
  firstPage?: number;
  maxPage?: number;
  /** a performance.now() time: past it, the pager stops between two reads with the records it is sure of */
  deadline?: number;
};

/**
 * The newest `take` matches, newest first. Memory holds at most `take` records and one page of blocks.
 * `stoppedAt` (µs), when the deadline stopped it: every record after that time was searched, none at or
 * before it.
 */
export async function readNewestRecords(db: Db, q: NewestQuery): Promise<{ records: StoredRecord[]; stoppedAt: bigint | null }> {
  const maxPage = q.maxPage ?? 512;
  const deadline = q.deadline ?? Infinity;
  const found: StoredRecord[] = [];
  let before: BlockCursor | null = null;
  for (let n = Math.min(q.firstPage ?? maxPage, maxPage); ; n = Math.min(n * 2, maxPage)) {
    const { sql, params } = newestBlocksSql(q.where, q.params, n, before);
    const blocks = await db.$queryRawUnsafe<(StoredBlock & { last: string })[]>(sql, ...params);
    for (const b of blocks) for (const r of recordsOfBlock(b, q.keep)) if (q.match(r)) found.push(r);
    found.sort(newestFirst);
    if (found.length > q.take) found.length = q.take;
    if (blocks.length < n) return { records: found, stoppedAt: null };
    // blocks not read yet end at or before the last one read: a record after that time (give or take the
    // microsecond its rounding may move it) is in its place, and so are those before it in the order
    const last = blocks[blocks.length - 1];
    before = { us: BigInt(last.last), id: String(last.id) };
    const bound = before.us + 1n;
    let settled = 0;
    while (settled < found.length && found[settled].us > bound) settled++;
    if (settled >= q.take) return { records: found, stoppedAt: null };
    if (performance.now() > deadline) return { records: found.slice(0, settled), stoppedAt: bound };
  }
}
