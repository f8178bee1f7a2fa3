// Per-token request budget per minute, counted in Redis (fixed one-minute windows). When Redis does
// not answer, requests are let through: a rate limiter must not take the API down with it.
import type { Redis } from "ioredis";
import { REDIS_KEYS } from "../redis-keys";

export const rateLimitKey = (tokenId: string, now = Date.now()) => REDIS_KEYS.rateLimit(tokenId, Math.floor(now / 60_000));

export async function takeRequest(redis: Redis, tokenId: string, limit: number, now = Date.now()): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  if (limit <= 0) return { allowed: true, retryAfterSeconds: 0 };
  const key = rateLimitKey(tokenId, now);
  try {
    const results = await Promise.race([
      redis.multi().incr(key).pexpire(key, 61_000).exec(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 250)),
    ]);
    const count = Number(results?.[0]?.[1] ?? 0);
    return { allowed: count <= limit, retryAfterSeconds: Math.ceil((60_000 - (now % 60_000)) / 1000) };
  } catch {
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
