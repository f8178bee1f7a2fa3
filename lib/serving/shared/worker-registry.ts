// Inference workers announce themselves in Redis (signed heartbeats, heartbeat-registry.ts);
// deployments and the gateway read the list.
import { REDIS_KEYS } from "../../redis-keys";
import { HEARTBEAT_TTL_MS, heartbeatRegistry, type ForgedHeartbeat } from "./heartbeat-registry";
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

const registry = heartbeatRegistry<WorkerInfo>({ set: REDIS_KEYS.workerSet, key: REDIS_KEYS.worker });

export { HEARTBEAT_TTL_MS, type ForgedHeartbeat };
export const publishHeartbeat = registry.publish;
export const removeWorker = registry.remove;
/** The live workers whose heartbeats verify with `secret`; every other entry is left out, and reported to `onForged` (the gateway counts them in /metrics). */
export const listWorkers = registry.list;

/** A gpu variant runs on cuda or webgpu workers, a cpu variant on cpu workers. */
export function workerServes(worker: WorkerInfo, device: VariantDevice): boolean {
  return runsOn(worker.device, device);
}
