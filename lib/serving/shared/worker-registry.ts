// Inference workers announce themselves in Redis; deployments and the gateway read the list.
// Heartbeats are signed with the cluster secret: whoever can write to Redis cannot announce a
// worker (and so receive traffic or load calls) without it; readers drop what does not verify.
import type { Redis } from "ioredis";
import { REDIS_KEYS } from "../../redis-keys";
import { openHeartbeat, signHeartbeat, type Refusal } from "./cluster-auth";
import { runsOn, type VariantDevice } from "./devices";

export type WorkerInfo = {
  id: string;
  url: string;
  /** what was asked for: cpu | cuda | webgpu */
  requestedDevice: string;
  /** what runs: cpu | cuda | webgpu (differs after a fallback) */
  device: string;
  fallbackReason: string | null;
  /** batched: false when the version's rows are not independent (then unbatchedReason says why) */
  loaded: { versionId: string; ready: boolean; batched?: boolean; unbatchedReason?: string | null }[];
  queueDepth: number;
  capacity: number;
  startedAt: number;
  at: number;
};

const SET = REDIS_KEYS.workerSet;
const key = REDIS_KEYS.worker;
export const HEARTBEAT_TTL_MS = 6_000;

export async function publishHeartbeat(redis: Redis, info: WorkerInfo, secret: string): Promise<void> {
  // Pruning long-gone ids here keeps listWorkers read-only: it runs every second in every gateway.
  await redis
    .multi()
    .set(key(info.id), signHeartbeat(secret, JSON.stringify(info)), "PX", HEARTBEAT_TTL_MS)
    .zadd(SET, info.at, info.id)
    .zremrangebyscore(SET, "-inf", info.at - HEARTBEAT_TTL_MS * 10)
    .exec();
}

export async function removeWorker(redis: Redis, id: string): Promise<void> {
  await redis.multi().del(key(id)).zrem(SET, id).exec();
}

/** A heartbeat that did not verify: unsigned, signed with another secret, stale, or under another worker's id. */
export type ForgedHeartbeat = { id: string; reason: Refusal; value: string };

/**
 * The live workers whose heartbeats verify with `secret`. Every other entry is left out, and
 * reported to `onForged` (the gateway counts them in /metrics).
 */
export async function listWorkers(redis: Redis, opts: { secret: string; now?: number; onForged?: (f: ForgedHeartbeat) => void }): Promise<WorkerInfo[]> {
  const now = opts.now ?? Date.now();
  const ids = await redis.zrangebyscore(SET, now - HEARTBEAT_TTL_MS, "+inf");
  if (!ids.length) return [];
  const values = await redis.mget(ids.map(key));
  const workers: WorkerInfo[] = [];
  values.forEach((value, i) => {
    if (value === null) return;
    const opened = openHeartbeat<WorkerInfo>(opts.secret, value, ids[i], now);
    if (opened.ok) workers.push(opened.info);
    else opts.onForged?.({ id: ids[i], reason: opened.reason, value });
  });
  return workers;
}

/** A gpu variant runs on cuda or webgpu workers, a cpu variant on cpu workers. */
export function workerServes(worker: WorkerInfo, device: VariantDevice): boolean {
  return runsOn(worker.device, device);
}
