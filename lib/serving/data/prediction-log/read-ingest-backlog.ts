// How far ingest is behind the gateways: the prediction stream's entries the ingest group has not
// acknowledged yet (pending on a consumer, or not delivered at all), and how old the oldest of them
// is. Stream entry ids start with the millisecond the gateway added them, so the age needs no clock
// from the record itself. A few cheap Redis calls, for the job workers' /metrics.
import type { Redis } from "ioredis";
import { REDIS_KEYS } from "../../../redis-keys";

export type IngestBacklog = {
  /** stream entries (up to 64 prediction records each) not yet written to Postgres */
  entries: number;
  /** age of the oldest of them, in seconds (0 when there are none) */
  oldestSeconds: number;
};

const msOf = (id: string) => Number(id.split("-")[0]);
export const field = (flat: unknown[], name: string) => flat[flat.indexOf(name) + 1];

/** The ingest group's XINFO GROUPS entry (flat name/value list), or undefined when there is none (or no stream). */
export async function readIngestGroup(redis: Redis): Promise<unknown[] | undefined> {
  const groups = (await redis.xinfo("GROUPS", REDIS_KEYS.predictionStream).catch((err: Error) => {
    if (/no such key/i.test(err.message)) return [];
    throw err;
  })) as unknown[][];
  return groups.find((g) => field(g, "name") === REDIS_KEYS.ingestGroup);
}

export async function readIngestBacklog(opts: { redis: Redis; now?: number }): Promise<IngestBacklog> {
  const { redis } = opts;
  const now = opts.now ?? Date.now();
  const stream = REDIS_KEYS.predictionStream;
  const group = await readIngestGroup(redis);
  const age = (id: string | undefined) => (id ? Math.max(0, (now - msOf(id)) / 1000) : 0);
  if (!group) {
    // no consumer group yet (no job worker ever started): everything in the stream waits
    const [entries, first] = await Promise.all([redis.xlen(stream), redis.xrange(stream, "-", "+", "COUNT", 1)]);
    return { entries, oldestSeconds: age(first[0]?.[0]) };
  }
  const pending = Number(field(group, "pending"));
  const lastDelivered = String(field(group, "last-delivered-id"));
  // Redis cannot always count the undelivered entries (lag is nil after some deletions). Ingest deletes
  // what it has written (and trims older history at start), so the stream holds only pending and
  // undelivered entries: its length less the pending ones is then the count
  const lag = field(group, "lag");
  const [oldestPending, next, length] = await Promise.all([
    pending > 0 ? (redis.xpending(stream, REDIS_KEYS.ingestGroup) as Promise<[number, string | null]>).then((r) => r[1] ?? undefined) : undefined,
    redis.xrange(stream, `(${lastDelivered}`, "+", "COUNT", 1).then((r) => r[0]?.[0]),
    lag === null || lag === undefined ? redis.xlen(stream) : 0,
  ]);
  const undelivered = lag === null || lag === undefined ? (next ? Math.max(1, length - pending) : 0) : Number(lag);
  // pending entries were delivered before any undelivered one: the oldest pending one is the oldest
  return { entries: pending + undelivered, oldestSeconds: age(oldestPending ?? next) };
}
