// What inference workers and gateway processes share: a signed heartbeat under a key of its own that
// expires, and a sorted set of ids by last beat. Whoever can write to Redis cannot announce a member
// (and so receive traffic or load calls) without the cluster secret; readers drop what does not verify.
import type { Redis } from "ioredis";
import { openHeartbeat, signHeartbeat, type Refusal } from "./cluster-auth";

export const HEARTBEAT_TTL_MS = 6_000;

/** A heartbeat that did not verify: unsigned, signed with another secret, stale, or under another member's id. */
export type ForgedHeartbeat = { id: string; reason: Refusal; value: string };

export function heartbeatRegistry<T extends { id: string; at: number }>(keys: { set: string; key: (id: string) => string }) {
  const { set, key } = keys;
  return {
    async publish(redis: Redis, info: T, secret: string): Promise<void> {
      // Pruning long-gone ids here keeps list read-only: it runs every second in every gateway.
      await redis
        .multi()
        .set(key(info.id), signHeartbeat(secret, JSON.stringify(info)), "PX", HEARTBEAT_TTL_MS)
        .zadd(set, info.at, info.id)
        .zremrangebyscore(set, "-inf", info.at - HEARTBEAT_TTL_MS * 10)
        .exec();
    },

    async remove(redis: Redis, id: string): Promise<void> {
      await redis.multi().del(key(id)).zrem(set, id).exec();
    },

    /** The live members whose heartbeats verify with `secret`; every other entry is left out, and reported to `onForged`. */
    async list(redis: Redis, opts: { secret: string; now?: number; onForged?: (f: ForgedHeartbeat) => void }): Promise<T[]> {
      const now = opts.now ?? Date.now();
      const ids = await redis.zrangebyscore(set, now - HEARTBEAT_TTL_MS, "+inf");
      if (!ids.length) return [];
      const values = await redis.mget(ids.map(key));
      const out: T[] = [];
      values.forEach((value, i) => {
        if (value === null) return;
        const opened = openHeartbeat<T>(opts.secret, value, ids[i], now);
        if (opened.ok) out.push(opened.info);
        else opts.onForged?.({ id: ids[i], reason: opened.reason, value });
      });
      return out;
    },
  };
}

