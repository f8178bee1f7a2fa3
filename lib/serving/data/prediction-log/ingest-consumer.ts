// Job-worker side of the prediction log: a Redis consumer group reads the stream, writes each
// batch to Postgres and acknowledges only after the commit. Entries a crashed consumer left
// pending are claimed again, so nothing is lost; the writer drops duplicates. Partitions are
// made ready once at start; after that the scheduled prediction-log-maintenance job keeps them
// ahead and drops old ones (lib/jobs/definitions/prediction-log-maintenance.ts).
import { REDIS_KEYS } from "../../../redis-keys";
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { type PredictionRecord } from "./record";
import { ensurePartitions, writePredictionBatch } from "./write-batch";

type Entry = [id: string, fields: string[]];

export class IngestConsumer {
  private stopped = false;
  private loop: Promise<void> | null = null;
  ingested = 0;

  constructor(
    private readonly redis: Redis,
    private readonly pool: Pool,
    private readonly opts: { consumer: string; batchEntries?: number; claimIdleMs?: number; onError?: (err: Error) => void },
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    let partitionsReady = false;
    while (!this.stopped) {
      try {
        if (!partitionsReady) {
          await ensurePartitions(this.pool);
          partitionsReady = true;
        }
        await this.ensureGroup();
        if (Date.now() - lastClaim > 5_000) {
          await this.claimStale();
          lastClaim = Date.now();
        }
        const res = (await this.redis.xreadgroup("GROUP", REDIS_KEYS.ingestGroup, this.opts.consumer, "COUNT", this.opts.batchEntries ?? 200, "BLOCK", 1000, "STREAMS", REDIS_KEYS.predictionStream, ">")) as [string, Entry[]][] | null;
        if (res?.[0]?.[1].length) await this.process(res[0][1]);
      } catch (err) {
        // Redis restarted without its data: the group has to be made again
        if (String((err as Error).message).includes("NOGROUP")) this.groupReady = false;
        this.opts.onError?.(err as Error);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private groupReady = false;
  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.redis.xgroup("CREATE", REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, "0", "MKSTREAM");
    } catch (err) {
      if (!String((err as Error).message).includes("BUSYGROUP")) throw err;
    }
    this.groupReady = true;
  }

  private async claimStale(): Promise<void> {
    let cursor = "0-0";
    do {
      const [next, entries] = (await this.redis.xautoclaim(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, this.opts.consumer, this.opts.claimIdleMs ?? 30_000, cursor, "COUNT", this.opts.batchEntries ?? 200)) as [string, Entry[]];
      if (entries.length) await this.process(entries.filter((e) => e && e[1]));
      cursor = next;
    } while (cursor !== "0-0" && !this.stopped);
  }

  private async process(entries: Entry[]): Promise<void> {
    const records: PredictionRecord[] = [];
    for (const [, fields] of entries) {
      const i = fields.indexOf("r");
      if (i >= 0) records.push(...(JSON.parse(fields[i + 1]) as PredictionRecord[]));
    }
    this.ingested += await writePredictionBatch(this.pool, records);
    await this.redis.xack(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, ...entries.map((e) => e[0]));
  }
}
