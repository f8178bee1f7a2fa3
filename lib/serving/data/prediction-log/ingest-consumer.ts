// Job-worker side of the prediction log: a Redis consumer group reads the stream, writes each
// batch to Postgres and acknowledges only after the commit. Entries a crashed consumer left
// pending are claimed again, so nothing is lost; the writer skips blocks it has stored already. Written entries are
// acknowledged and deleted in one step. Partitions are
// made ready once at start; after that the scheduled prediction-log-maintenance job keeps them
// ahead and drops old ones (lib/jobs/definitions/prediction-log-maintenance.ts).
//
// One record never blocks the others: a record holding a string Postgres cannot store (NUL, a lone
// surrogate) is dead-lettered before any write (screen-record.ts); a batch Postgres still refuses is split until
// each refused record stands alone (bisect-batch.ts); those records, and anything in the stream
// that is not a prediction record, go to the dead-letter stream with the reason, the rest commit,
// and the entries are acknowledged only once every record in them is committed or dead-lettered.
import { REDIS_KEYS } from "../../../redis-keys";
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { refusalOf, writePredictionBlocks } from "./write-batch";
import { ensurePartitions } from "./partitions";
import { bisectBatch, type Rejected } from "./bisect-batch";
import { field, readIngestGroup } from "./read-ingest-backlog";
import { deadLetter, decodeEntries, itemsOfBlock, sourcesOf, type BlockItem, type Entry, type Item } from "./decode-entries";
import { DEAD_LETTER_MAX_ENTRIES, DEAD_LETTER_SEEN_TTL_MS, encodeDeadLetter, type DeadLetter } from "../../shared/dead-letters";

/**
 * Adds a dead letter once per source record: a replayed entry finds its record in the seen set and adds
 * nothing. The set (one key) forgets records older than ARGV[3] ms and keeps at most ARGV[4] of them.
 * ARGV: source, now, seen ttl, max entries, fields…
 */
const DEAD_LETTER_ONCE = `
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return false end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[3])))
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))`;

export class IngestConsumer {
  private stopped = false;
  private loop: Promise<void> | null = null;
  ingested = 0;
  /** records this process sent to the dead-letter stream */
  deadLettered = 0;

  constructor(
    private readonly redis: Redis,
    private readonly pool: Pool,
    private readonly opts: { consumer: string; batchEntries?: number; claimIdleMs?: number; lingerMs?: number; onError?: (err: Error) => void; onDeadLetter?: (d: DeadLetter) => void },
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
        const entries = await this.read(1000);
        if (entries.length) await this.process(await this.linger(entries));
      } catch (err) {
        // Redis restarted without its data: the group has to be made again
        if (String((err as Error).message).includes("NOGROUP")) this.groupReady = false;
        this.opts.onError?.(err as Error);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  private async read(blockMs: number | null, count = this.opts.batchEntries ?? 200): Promise<Entry[]> {
    const { ingestGroup: group, predictionStream: stream } = REDIS_KEYS;
    // as buffers: binary entries (log-block.ts) are not UTF-8
    const res = (blockMs === null
      ? await this.redis.callBuffer("XREADGROUP", "GROUP", group, this.opts.consumer, "COUNT", count, "STREAMS", stream, ">")
      : await this.redis.callBuffer("XREADGROUP", "GROUP", group, this.opts.consumer, "COUNT", count, "BLOCK", blockMs, "STREAMS", stream, ">")) as [Buffer, Entry[]][] | null;
    return res?.[0]?.[1] ?? [];
  }

  /**
   * A part-full batch waits lingerMs for more entries, then takes what came. Postgres spends a few
   * milliseconds on a transaction whatever its size, so at moderate rates small batches cost several
   * times more per record than full ones (`npm run bench:serving`). What was read stays pending in
   * the group while it waits, so a crash here loses nothing.
   */
  private async linger(entries: Entry[]): Promise<Entry[]> {
    const full = this.opts.batchEntries ?? 200;
    const lingerMs = this.opts.lingerMs ?? 0;
    if (entries.length >= full || lingerMs <= 0) return entries;
    await new Promise((r) => setTimeout(r, lingerMs));
    if (this.stopped) return entries;
    try {
      return entries.concat(await this.read(null, full - entries.length));
    } catch (err) {
      // what was read is written now, not left pending until another consumer claims it (INGEST_CLAIM_IDLE_MS)
      this.opts.onError?.(err as Error);
      return entries;
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
    await trimWrittenHistory(this.redis);
    this.groupReady = true;
  }

  private async claimStale(): Promise<void> {
    let cursor = "0-0";
    do {
      const [next, entries] = (await this.redis.callBuffer("XAUTOCLAIM", REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, this.opts.consumer, this.opts.claimIdleMs ?? 30_000, cursor, "COUNT", this.opts.batchEntries ?? 200)) as [Buffer, Entry[]];
      if (entries.length) await this.process(entries.filter((e) => e && e[1]));
      cursor = String(next);
    } while (cursor !== "0-0" && !this.stopped);
  }

  private async process(entries: Entry[]): Promise<void> {
    const { items, blocks, dead } = decodeEntries(entries);
    // a failure that is not about the data (Postgres away) is thrown: nothing is acknowledged, all is retried
    const write = <T extends Item | BlockItem>(part: T[]) => writePredictionBlocks(this.pool, sourcesOf(part));
    const first = await bisectBatch<Item | BlockItem>([...blocks, ...items], write, refusalOf);
    // a gateway's block refused on its own: its records, to find the ones Postgres refuses
    const refusedBlocks = first.rejected.flatMap((r) => ("view" in r.item ? itemsOfBlock(r.item) : []));
    const second = await bisectBatch(refusedBlocks, write, refusalOf);
    const rejected = [...first.rejected.filter((r): r is Rejected<Item> => !("view" in r.item)), ...second.rejected];
    const written = first.written + second.written;
    this.ingested += written;
    for (const r of rejected) dead.push(deadLetter(r.item.source, r.item.raw, JSON.stringify(r.item.raw), r.reason));
    for (const d of dead) {
      const added = await this.redis.eval(DEAD_LETTER_ONCE, 2, REDIS_KEYS.deadLetterStream, REDIS_KEYS.deadLetterSeen, d.source, Date.now(), DEAD_LETTER_SEEN_TTL_MS, DEAD_LETTER_MAX_ENTRIES, ...encodeDeadLetter(d));
      if (added) {
        this.deadLettered++;
        this.opts.onDeadLetter?.(d);
      }
    }
    // written entries leave the stream: Redis holds the backlog, not the history (at 64 records an
    // entry, a history of STREAM_MAX_ENTRIES would be gigabytes). Only acknowledged, hence delivered,
    // entries are deleted, so the group's lag stays countable (read-ingest-backlog.ts).
    const ids = entries.map((e) => String(e[0]));
    const results = await this.redis.multi().xack(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, ...ids).xdel(REDIS_KEYS.predictionStream, ...ids).exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw (failed?.[0] as Error) ?? new Error("acknowledging the entries failed");
  }
}

type StreamId = [bigint, bigint];
const parseId = (id: string): StreamId => { const [ms, seq] = id.split("-"); return [BigInt(ms), BigInt(seq ?? 0)]; };
const before = (a: StreamId, b: StreamId) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * Drops the entries the group has written that are still in the stream: those of job workers older than the
 * delete-on-acknowledge above, which kept every entry. Everything before the oldest pending entry and before
 * the first undelivered one is written, so the stream is trimmed to the earlier of the two (once, at start).
 * Without it such history would sit in Redis until the stream's MAXLEN, and Redis could not count the
 * group's lag (read-ingest-backlog.ts).
 */
export async function trimWrittenHistory(redis: Redis): Promise<number> {
  const stream = REDIS_KEYS.predictionStream;
  const group = await readIngestGroup(redis);
  if (!group) return 0;
  const last = parseId(String(field(group, "last-delivered-id")));
  let keep: StreamId = [last[0], last[1] + 1n];
  const [count, oldest] = (await redis.xpending(stream, REDIS_KEYS.ingestGroup)) as [number, string | null];
  if (count > 0 && oldest && before(parseId(oldest), keep)) keep = parseId(oldest);
  return redis.xtrim(stream, "MINID", `${keep[0]}-${keep[1]}`);
}
