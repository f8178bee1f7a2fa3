import { Redis } from "ioredis";

/** A Redis client that fails fast instead of queueing commands forever while Redis is away. */
export function createRedis(url: string, opts: { maxRetriesPerRequest?: number | null } = {}): Redis {
  return new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? 1 : opts.maxRetriesPerRequest,
    enableOfflineQueue: opts.maxRetriesPerRequest === null,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  try {
    const pong = await Promise.race([redis.ping(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), timeoutMs))]);
    return pong === "PONG";
  } catch {
    return false;
  }
}
