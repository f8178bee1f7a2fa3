// Reading the prediction log back: the rows of "PredictionBlock" a reader selected, decoded into their
// records. Each record gets a key that orders it and names it for a cursor: its block's id shifted left
// by 16 bits plus its position in the block (a stored block holds at most MAX_BLOCK_RECORDS), and its
// time in whole microseconds, as the explorer's cursor counts it.
import { recordsOf, viewLogBlock, type LogBlockView } from "./log-block";
import type { PredictionRecord } from "./record";

/** Records a stored block holds at most: a record's position in its block takes 16 bits of its key. */
export const MAX_BLOCK_RECORDS = 4096;
/** The time a stored block spans at most: readers look this far before a window for the blocks that reach into it. */
export const MAX_BLOCK_SPAN_MS = 60_000;

export type StoredRecord = PredictionRecord & { key: bigint; us: bigint };
/** `data` as Prisma gives bytea (a Uint8Array) or node-postgres (a Buffer) */
export type StoredBlock = { id: string | bigint; data: Uint8Array };

/** The columns a reader selects to decode a block. */
export const BLOCK_COLUMNS = "id::text AS id, data";

/** The block's records; with `keep`, those it keeps, judged on the block's columns before a record is made of each. */
export function recordsOfBlock(block: StoredBlock, keep?: (v: LogBlockView, j: number) => boolean): StoredRecord[] {
  const data = Buffer.isBuffer(block.data) ? block.data : Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength);
  const view = viewLogBlock(data);
  // written by ingest after the same checks: a block that fails them now was changed in the database
  if ("issue" in view) throw new Error(`prediction block ${block.id} cannot be read: ${view.issue}`);
  const records = recordsOf(view, keep);
  const base = BigInt(block.id) << 16n;
  const out: StoredRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as PredictionRecord | undefined;
    if (r) out.push(Object.assign(r, { key: base + BigInt(i), us: BigInt(Math.round(r.t * 1000)) }));
  }
  return out;
}

export function recordsOfBlocks(blocks: readonly StoredBlock[]): StoredRecord[] {
  return blocks.flatMap((b) => recordsOfBlock(b));
}

/** Newest first, as the explorer lists them: by time, then key. */
export const newestFirst = (a: StoredRecord, b: StoredRecord) => (a.us === b.us ? (a.key < b.key ? 1 : a.key > b.key ? -1 : 0) : a.us < b.us ? 1 : -1);
