// Gateway side of the prediction log: records are packed into binary stream entries (one block per
// endpoint among their records, log-block.ts) and XADDed in the background. While Redis is away they
// wait in a bounded buffer and are sent when it returns. Entries are packed once: a pipeline that failed
// (and may have been carried out in part) is sent again as the same bytes, so ingest, which stores each
// block once by its content (block-rows.ts), stores a resent block once.
import { REDIS_KEYS } from "../../../redis-keys";
import type { Redis } from "ioredis";
import { BINARY_FIELD, encodeLogBlock, type LoggedRecord } from "../../shared/prediction-log/log-block";

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
/** Values the buffer holds at most, besides its record count (large records fill memory long before the count). */
export const MAX_BUFFER_VALUES = 8_388_608;
/** Times Redis may refuse an entry (a reply error, not a lost connection) before it is dropped. */
const MAX_REFUSALS = 5;

export class PredictionLogger {
  private buffer: LoggedRecord[] = [];
  /** input and output values of each buffered record (parallel to buffer), and their sum */
  private sizes: number[] = [];
  private values = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  /** the entries of a pipeline not known to be sent, the records each holds, and how often Redis refused them */
  private unsent: { entries: Buffer[][]; counts: number[]; refused: number } | null = null;
  dropped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { enabled?: boolean; maxBuffer: number; maxBufferValues?: number; perEntry: number; flushMs: number; onError?: (err: Error) => void },
  ) {}

  private get maxValues(): number {
    return this.opts.maxBufferValues ?? MAX_BUFFER_VALUES;
  }

  /** `values`: the record's input and output values (what bounds entries and the buffer besides the count) */
  log(r: LoggedRecord, values = 0): void {
    if (this.opts.enabled === false) return;
    while (this.buffer.length && (this.buffer.length >= this.opts.maxBuffer || this.values + values > this.maxValues)) {
      this.buffer.shift();
      this.values -= this.sizes.shift()!;
      this.dropped++;
    }
    this.buffer.push(r);
    this.sizes.push(values);
    this.values += values;
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  get enabled(): boolean {
    return this.opts.enabled !== false;
  }

  /** records not sent yet: buffered, or in a pipeline not known to be sent */
  get pending(): number {
    return this.buffer.length + (this.unsent?.counts.reduce((a, b) => a + b, 0) ?? 0);
  }

  async flush(): Promise<void> {
    this.timer = null;
    if (this.flushing || (!this.buffer.length && !this.unsent)) return;
    this.flushing = true;
    try {
      while (this.unsent || this.buffer.length) {
        this.unsent ??= this.pack();
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

  /**
   * Takes up to 20 entries' worth of records off the front of the buffer and packs them. An entry holds up
   * to perEntry records and MAX_ENTRY_VALUES values, as one block per endpoint among them: many endpoints at
   * a moderate rate still make full entries (ingest's batches are counted in entries).
   */
  private pack(): { entries: Buffer[][]; counts: number[]; refused: number } {
    const byEndpoint = new Map<string, { records: LoggedRecord[]; sizes: number[] }>();
    let at = 0;
    for (let values = 0; at < this.buffer.length && at < 20 * this.opts.perEntry && (at === 0 || values + this.sizes[at] <= 20 * MAX_ENTRY_VALUES); at++) {
      const r = this.buffer[at];
      values += this.sizes[at];
      let g = byEndpoint.get(r.e);
      if (!g) byEndpoint.set(r.e, (g = { records: [], sizes: [] }));
      g.records.push(r);
      g.sizes.push(this.sizes[at]);
    }
    this.buffer.splice(0, at);
    for (const v of this.sizes.splice(0, at)) this.values -= v;
    const counts: number[] = [];
    return { entries: packEntries([...byEndpoint.values()], this.opts.perEntry, counts), counts, refused: 0 };
  }
}

/**
 * Stream entries (each a list of blocks) of the given endpoints' records, in order: a new entry starts
 * when perEntry records or MAX_ENTRY_VALUES values are reached (an entry holds at least one record).
 * `counts` gets the records of each entry.
 */
export function packEntries(groups: { records: LoggedRecord[]; sizes: number[] }[], perEntry: number, counts: number[] = []): Buffer[][] {
  const entries: Buffer[][] = [];
  let fields: Buffer[] = [];
  let count = 0;
  let values = 0;
  for (const g of groups) {
    let from = 0;
    for (let i = 0; i < g.records.length; i++) {
      if (count >= perEntry || (count > 0 && values + g.sizes[i] > MAX_ENTRY_VALUES)) {
        if (i > from) fields.push(encodeOrStrip(g.records.slice(from, i)));
        from = i;
        entries.push(fields);
        counts.push(count);
        [fields, count, values] = [[], 0, 0];
      }
      count++;
      values += g.sizes[i];
    }
    if (g.records.length > from) fields.push(encodeOrStrip(g.records.slice(from)));
  }
  if (fields.length) {
    entries.push(fields);
    counts.push(count);
  }
  return entries;
}

/**
 * The block of `records`, or, when it cannot be made (a value JSON cannot write, a string column past V8's
 * longest string), the same records with those that cannot be written alone stripped of their inputs and
 * outputs (all of them, when each can be written alone but not together): they are still logged and counted.
 * Retrying the same records would stop this process's log for good and fill its buffer.
 */
export function encodeOrStrip(records: LoggedRecord[]): Buffer {
  try {
    return encodeLogBlock(records);
  } catch {
    const strip = (r: LoggedRecord): LoggedRecord => ({ ...r, in: null, out: null, ns: true });
    const alone = records.map((r) => {
      try {
        encodeLogBlock([r]);
        return r;
      } catch {
        return strip(r);
      }
    });
    try {
      return encodeLogBlock(alone);
    } catch {
      return encodeLogBlock(records.map(strip));
    }
  }
}
