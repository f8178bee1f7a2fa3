// Gateway side of the prediction log: each record is written, as it is logged, into its endpoint's open
// binary block (log-block-builder.ts; nothing of the request is kept); blocks are sealed when full or at a
// flush, and XADDed in the background as stream entries of whole blocks. While Redis is away they wait in a
// bounded buffer and are sent when it returns. Entries are packed once: a pipeline that failed
// (and may have been carried out in part) is sent again as the same bytes, so ingest, which stores each
// block once by its content (block-rows.ts), stores a resent block once.
import { REDIS_KEYS } from "../../../redis-keys";
import type { Redis } from "ioredis";
import { BINARY_FIELD, type LoggedRecord } from "../../shared/prediction-log/log-block";
import { LogBlockBuilder, MAX_RECORD_TEXT } from "../../shared/prediction-log/log-block-builder";

/**
 * Bounds the stream if ingest stops for long: about 30 million records at 64 per entry (ingest deletes
 * what it has written, so in normal running the stream holds only the backlog).
 */
const STREAM_MAX_ENTRIES = 500_000;

/**
 * Input and output values an entry holds at most (it holds at least one record): ingest reads 200
 * entries at a time, so entries of 64 large records would make one read gigabytes.
 */
export const MAX_ENTRY_VALUES = 65_536;
/** Bytes past which a block is sealed (besides perEntry records and MAX_ENTRY_VALUES values): long strings make large blocks. */
const MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/** Values the buffer holds at most, besides its record count (large records fill memory long before the count). */
export const MAX_BUFFER_VALUES = 8_388_608;
/** Bytes the buffer holds at most, besides records and values (long strings fill memory before either). */
export const MAX_BUFFER_BYTES = 256 * 1024 * 1024;
/** Times Redis may refuse an entry (a reply error, not a lost connection) before it is dropped. */
const MAX_REFUSALS = 5;

/** A block sealed for sending: its bytes, records and input and output values. */
export type SealedBlock = { block: Buffer; count: number; values: number };
/** A block records are written into, and its first record's time (which block is the oldest). */
type OpenBlock = { b: LogBlockBuilder; first: number };

export class PredictionLogger {
  /** per endpoint, the block its records are written into (Map order: the oldest first) */
  private open = new Map<string, OpenBlock>();
  /** blocks full or sealed by a flush, oldest first, not yet in a pipeline */
  private sealed: (SealedBlock & { bytes: number; first: number })[] = [];
  /** records and values in open and sealed blocks */
  private held = 0;
  private heldValues = 0;
  /** bytes of the open and sealed blocks (roughly: strings counted in UTF-16 units) */
  private heldBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  /** the entries of a pipeline not known to be sent, the records each holds, and how often Redis refused them */
  private unsent: { entries: Buffer[][]; counts: number[]; refused: number } | null = null;
  dropped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { enabled?: boolean; maxBuffer: number; maxBufferValues?: number; maxBufferBytes?: number; perEntry: number; flushMs: number; onError?: (err: Error) => void },
  ) {}

  private get maxValues(): number {
    return this.opts.maxBufferValues ?? MAX_BUFFER_VALUES;
  }

  /**
   * Writes the record into its endpoint's open block at once (its tensors are copied, not held). `values`:
   * its input and output values (what bounds blocks and the buffer besides the count). While Redis is away,
   * the oldest blocks are dropped first to bound the buffer.
   */
  log(r: LoggedRecord, values = 0): void {
    if (this.opts.enabled === false) return;
    // called right after a request is answered: nothing here may throw into it (a record the log cannot
    // take, under memory exhaustion say, is counted as dropped)
    try {
      this.write(r, values);
    } catch {
      this.dropped++;
    }
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  private write(r: LoggedRecord, values: number): void {
    let o = this.open.get(r.e);
    if (o && (o.b.count >= this.opts.perEntry || (o.b.count > 0 && o.b.values + values > MAX_ENTRY_VALUES) || o.b.bytes >= MAX_BLOCK_BYTES)) {
      this.seal(r.e, o);
      o = undefined;
    }
    while (this.held && (this.held >= this.opts.maxBuffer || this.heldValues + values > this.maxValues || this.heldBytes > (this.opts.maxBufferBytes ?? MAX_BUFFER_BYTES))) this.dropOldest();
    // (the block may have been dropped just now, as the oldest)
    o = this.open.get(r.e);
    if (!o) this.open.set(r.e, (o = { b: new LogBlockBuilder(r.e, 64, MAX_RECORD_TEXT), first: r.t }));
    const [before, beforeValues, beforeBytes] = [o.b.count, o.b.values, o.b.bytes];
    try {
      o.b.add(r);
    } catch {
      // what the block cannot hold (a value it cannot write, too much text) is logged without its tensors,
      // still counted: retrying it would fail again (add leaves the block as it was when it throws)
      o.b.add({ ...r, in: null, out: null, ns: true });
    }
    this.held += o.b.count - before;
    this.heldValues += o.b.values - beforeValues;
    this.heldBytes += o.b.bytes - beforeBytes;
  }

  get enabled(): boolean {
    return this.opts.enabled !== false;
  }

  /** records not sent yet: in blocks, or in a pipeline not known to be sent */
  get pending(): number {
    return this.held + (this.unsent?.counts.reduce((a, b) => a + b, 0) ?? 0);
  }

  async flush(): Promise<void> {
    this.timer = null;
    if (this.flushing || (!this.held && !this.unsent)) return;
    this.flushing = true;
    try {
      while (this.unsent || this.held) {
        this.unsent ??= this.pack();
        if (!this.unsent.entries.length) {
          // nothing to send after all (the counts went wrong): never spin on an empty pipeline
          this.unsent = null;
          [this.held, this.heldValues, this.heldBytes] = [0, 0, 0];
          break;
        }
        const pipeline = this.redis.pipeline();
        for (const fields of this.unsent.entries) {
          pipeline.xadd(REDIS_KEYS.predictionStream, "MAXLEN", "~", STREAM_MAX_ENTRIES, "*", ...fields.flatMap((b) => [BINARY_FIELD, b]));
        }
        const results = await pipeline.exec();
        if (!results) throw new Error("redis pipeline failed");
        const failed = results.flatMap(([err], k) => (err ? [k] : []));
        if (!failed.length) {
          this.unsent = null;
          continue;
        }
        const err = results[failed[0]][0] as Error;
        // Redis answered no to these entries (not a lost connection, which is waited out): tried a few
        // times, then dropped and counted, so that one entry Redis refuses cannot stop this log for good
        const refused = failed.every((k) => (results[k][0] as Error).name === "ReplyError");
        const next = { entries: failed.map((k) => this.unsent!.entries[k]), counts: failed.map((k) => this.unsent!.counts[k]), refused: refused ? this.unsent.refused + 1 : 0 };
        this.unsent = next;
        if (next.refused >= MAX_REFUSALS) {
          this.dropped += next.counts.reduce((a, b) => a + b, 0);
          this.unsent = null;
        }
        throw err;
      }
    } catch (err) {
      this.opts.onError?.(err as Error);
      if (!this.timer) this.timer = setTimeout(() => void this.flush(), 500);
    } finally {
      this.flushing = false;
    }
  }

  private seal(endpoint: string, o: OpenBlock): void {
    this.open.delete(endpoint);
    this.sealed.push({ block: o.b.finish(), count: o.b.count, values: o.b.values, bytes: o.b.bytes, first: o.first });
  }

  /** Drops the block whose first record is the oldest: the first sealed one or the first open one (Map order). */
  private dropOldest(): void {
    const open = this.open.entries().next().value;
    const s = this.sealed[0];
    if (s && !(open && open[1].first < s.first)) {
      this.sealed.shift();
      this.forget(s);
      return;
    }
    if (!open) {
      // nothing held after all (the counts went wrong): start counting again
      [this.held, this.heldValues, this.heldBytes] = [0, 0, 0];
      return;
    }
    const [endpoint, o] = open;
    this.open.delete(endpoint);
    this.forget(o.b);
  }

  /** Takes a block's records, values and bytes off what is held (sent or dropped). */
  private release(x: { count: number; values: number; bytes: number }): void {
    this.held -= x.count;
    this.heldValues -= x.values;
    this.heldBytes -= x.bytes;
  }

  private forget(x: { count: number; values: number; bytes: number }): void {
    this.release(x);
    this.dropped += x.count;
  }

  /**
   * Seals every open block and takes up to 20 entries of blocks off the front: an entry holds up to
   * perEntry records and MAX_ENTRY_VALUES values, as whole blocks, so many endpoints at a moderate rate
   * still make full entries (ingest's batches are counted in entries).
   */
  private pack(): { entries: Buffer[][]; counts: number[]; refused: number } {
    for (const [endpoint, o] of this.open) this.seal(endpoint, o);
    const counts: number[] = [];
    const entries = packEntries(this.sealed, this.opts.perEntry, counts, 20);
    const taken = entries.reduce((a, e) => a + e.length, 0);
    for (const s of this.sealed.splice(0, taken)) this.release(s);
    return { entries, counts, refused: 0 };
  }
}

/**
 * Stream entries (each a list of blocks) of the given blocks, in order, at most `maxEntries`: a new entry
 * starts when the next block would take it past perEntry records or MAX_ENTRY_VALUES values (an entry
 * holds at least one block). `counts` gets the records of each entry.
 */
export function packEntries(blocks: readonly SealedBlock[], perEntry: number, counts: number[] = [], maxEntries = Infinity): Buffer[][] {
  const entries: Buffer[][] = [];
  let fields: Buffer[] = [];
  let count = 0;
  let values = 0;
  for (const s of blocks) {
    if (fields.length && (count + s.count > perEntry || values + s.values > MAX_ENTRY_VALUES)) {
      entries.push(fields);
      counts.push(count);
      [fields, count, values] = [[], 0, 0];
      if (entries.length >= maxEntries) return entries;
    }
    fields.push(s.block);
    count += s.count;
    values += s.values;
  }
  if (fields.length) {
    entries.push(fields);
    counts.push(count);
  }
  return entries;
}
