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

export class PredictionLogger {
  private buffer: PredictionRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  dropped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { enabled?: boolean; maxBuffer: number; perEntry: number; flushMs: number; onError?: (err: Error) => void },
  ) {}

  log(r: PredictionRecord): void {
    if (this.opts.enabled === false) return;
    if (this.buffer.length >= this.opts.maxBuffer) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(r);
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
        const take = Math.min(this.buffer.length, this.opts.perEntry * 20);
        for (let i = 0; i < take; i += this.opts.perEntry) {
          pipeline.xadd(REDIS_KEYS.predictionStream, "MAXLEN", "~", STREAM_MAX_ENTRIES, "*", COLUMNAR_FIELD, packOrStrip(this.buffer, i, Math.min(i + this.opts.perEntry, take)));
        }
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err);
        if (!results || failed) throw (failed?.[0] as Error) ?? new Error("redis pipeline failed");
        this.buffer.splice(0, take);
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
