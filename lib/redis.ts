import { Redis } from "ioredis";

/**
 * A Redis client whose commands fail after one reconnect attempt instead of waiting forever while Redis is away.
 * `commandTimeoutMs`: a command unanswered this long fails (a connection that died without a reset would
 * otherwise hold it until TCP gives up, hours); never for a client that sends blocking commands.
 */
export function createRedis(url: string, opts: { maxRetriesPerRequest?: number | null; commandTimeoutMs?: number } = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? 1 : opts.maxRetriesPerRequest,
    commandTimeout: opts.commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Connection errors surface on the commands that fail; without a listener ioredis would also
  // print each reconnect attempt as an unhandled error.
  redis.on("error", () => {});
  return redis;
}

export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
  try {
    const pong = await Promise.race([redis.ping(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), timeoutMs))]);
    return pong === "PONG";
  } catch {
    return false;
  }
}
