// Inference workers announce themselves in Redis; deployments and the gateway read the list.
import type { Redis } from "ioredis";
import { REDIS_KEYS } from "../../redis-keys";
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

export async function publishHeartbeat(redis: Redis, info: WorkerInfo): Promise<void> {
  // Pruning long-gone ids here keeps listWorkers read-only: it runs every second in every gateway.
  await redis
    .multi()
    .set(key(info.id), JSON.stringify(info), "PX", HEARTBEAT_TTL_MS)
    .zadd(SET, info.at, info.id)
    .zremrangebyscore(SET, "-inf", info.at - HEARTBEAT_TTL_MS * 10)
    .exec();
}

export async function removeWorker(redis: Redis, id: string): Promise<void> {
  await redis.multi().del(key(id)).zrem(SET, id).exec();
}

export async function listWorkers(redis: Redis, now = Date.now()): Promise<WorkerInfo[]> {
  const ids = await redis.zrangebyscore(SET, now - HEARTBEAT_TTL_MS, "+inf");
  if (!ids.length) return [];
  const values = await redis.mget(ids.map(key));
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerInfo);
}

/** A gpu variant runs on cuda or webgpu workers, a cpu variant on cpu workers. */
export function workerServes(worker: WorkerInfo, device: VariantDevice): boolean {
  return runsOn(worker.device, device);
}
