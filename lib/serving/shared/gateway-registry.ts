// Gateway processes announce the inline versions they run (placement "inline"), signed like the
// inference workers' heartbeats (cluster-auth.ts), under keys of their own: no gateway ever takes
// another for an inference worker. Deployments read them to wait until an inline version is ready.
import type { Redis } from "ioredis";
import { REDIS_KEYS } from "../../redis-keys";
import { openHeartbeat, signHeartbeat } from "./cluster-auth";
import { HEARTBEAT_TTL_MS } from "./worker-registry";

export type InlineVersionState = {
  versionId: string;
  ready: boolean;
  /** why it could not be loaded here (then ready is false and it is not tried again until it changes) */
  error: string | null;
  batched: boolean;
  /** why its requests run one at a time (its rows are not independent), else null */
  unbatchedReason: string | null;
  queueDepth: number;
};

export type GatewayInfo = {
  id: string;
  /** worker threads running inline versions in this process */
  threads: number;
  /** threads set aside in a timed-out run, not yet returned */
  abandoned: number;
  inline: InlineVersionState[];
  queueDepth: number;
  startedAt: number;
  at: number;
};

export async function publishGatewayHeartbeat(redis: Redis, info: GatewayInfo, secret: string): Promise<void> {
  await redis
    .multi()
    .set(REDIS_KEYS.gateway(info.id), signHeartbeat(secret, JSON.stringify(info)), "PX", HEARTBEAT_TTL_MS)
    .zadd(REDIS_KEYS.gatewaySet, info.at, info.id)
    .zremrangebyscore(REDIS_KEYS.gatewaySet, "-inf", info.at - HEARTBEAT_TTL_MS * 10)
    .exec();
}

export async function removeGateway(redis: Redis, id: string): Promise<void> {
  await redis.multi().del(REDIS_KEYS.gateway(id)).zrem(REDIS_KEYS.gatewaySet, id).exec();
}

/** Live gateways whose heartbeats verify with `secret` (the others are left out). */
export async function listGateways(redis: Redis, opts: { secret: string; now?: number }): Promise<GatewayInfo[]> {
  const now = opts.now ?? Date.now();
  const ids = await redis.zrangebyscore(REDIS_KEYS.gatewaySet, now - HEARTBEAT_TTL_MS, "+inf");
  if (!ids.length) return [];
  const values = await redis.mget(ids.map(REDIS_KEYS.gateway));
  const out: GatewayInfo[] = [];
  values.forEach((value, i) => {
    if (value === null) return;
    const opened = openHeartbeat<GatewayInfo>(opts.secret, value, ids[i], now);
    if (opened.ok) out.push(opened.info);
  });
  return out;
}
