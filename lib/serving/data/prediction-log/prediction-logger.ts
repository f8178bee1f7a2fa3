// Gateway side of the prediction log: records are packed into columnar stream entries (stream-entry.ts)
// and XADDed in the background. While Redis is away they wait in a bounded buffer and are sent when it returns.
import { REDIS_KEYS } from "../../../redis-keys";
import type { Redis } from "ioredis";
import { type PredictionRecord } from "./record";
import { COLUMNAR_FIELD, packEntry } from "./stream-entry";

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

export class PredictionLogger {
  private buffer: PredictionRecord[] = [];
  /** input and output values of each buffered record (parallel to buffer), and their sum */
  private sizes: number[] = [];
  private values = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  dropped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { enabled?: boolean; maxBuffer: number; maxBufferValues?: number; perEntry: number; flushMs: number; onError?: (err: Error) => void },
  ) {}

  private get maxValues(): number {
    return this.opts.maxBufferValues ?? MAX_BUFFER_VALUES;
  }

  /** `values`: the record's input and output values (what bounds entries and the buffer besides the count) */
  log(r: PredictionRecord, values = 0): void {
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

  get pending(): number {
    return this.buffer.length;
  }

  async flush(): Promise<void> {
    this.timer = null;
    if (this.flushing || !this.buffer.length) return;
    this.flushing = true;
    try {
      while (this.buffer.length) {
        const pipeline = this.redis.pipeline();
        // up to 20 entries a pipeline, each of up to perEntry records and MAX_ENTRY_VALUES values
        let at = 0;
        for (let n = 0; n < 20 && at < this.buffer.length; n++) {
          const from = at;
          let values = this.sizes[at++];
          while (at < this.buffer.length && at - from < this.opts.perEntry && values + this.sizes[at] <= MAX_ENTRY_VALUES) values += this.sizes[at++];
          pipeline.xadd(REDIS_KEYS.predictionStream, "MAXLEN", "~", STREAM_MAX_ENTRIES, "*", COLUMNAR_FIELD, packOrStrip(this.buffer, from, at));
        }
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err);
        if (!results || failed) throw (failed?.[0] as Error) ?? new Error("redis pipeline failed");
        this.buffer.splice(0, at);
        for (const v of this.sizes.splice(0, at)) this.values -= v;
      }
    } catch (err) {
      this.opts.onError?.(err as Error);
      // a partially sent pipeline may be resent: ingest drops duplicates by request id
      if (!this.timer) this.timer = setTimeout(() => void this.flush(), 500);
    } finally {
      this.flushing = false;
    }
  }
}

/**
 * packEntry, or, when the entry cannot be serialised (JSON.stringify throws past V8's longest string),
 * the same records without their inputs and outputs: they are still logged and counted. Retrying the
 * same records would stop this process's log for good and fill its buffer.
 */
export function packOrStrip(records: PredictionRecord[], from: number, to: number): string {
  try {
    return packEntry(records, from, to);
  } catch {
    const strip = (k: number) => (records[k] = { ...records[k], in: null, out: null, ns: true });
    for (let k = from; k < to; k++) {
      try {
        JSON.stringify([records[k].in, records[k].out]);
      } catch {
        strip(k);
      }
    }
    try {
      return packEntry(records, from, to);
    } catch {
      // each serialises alone but not all together: none keeps its payloads
      for (let k = from; k < to; k++) strip(k);
      return packEntry(records, from, to);
    }
  }
}
