// Gateway processes announce the inline versions they run (placement "inline"), signed like the
// inference workers' heartbeats (cluster-auth.ts), under keys of their own: no gateway ever takes
// another for an inference worker. Deployments read them to wait until an inline version is ready.
import { REDIS_KEYS } from "../../redis-keys";
import { heartbeatRegistry } from "./heartbeat-registry";

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

const registry = heartbeatRegistry<GatewayInfo>({ set: REDIS_KEYS.gatewaySet, key: REDIS_KEYS.gateway });

export const publishGatewayHeartbeat = registry.publish;
export const removeGateway = registry.remove;
/** Live gateways whose heartbeats verify with `secret` (the others are left out). */
export const listGateways = registry.list;
