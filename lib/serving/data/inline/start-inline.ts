// Builds a gateway process's inline serving from its settings: the threads, the host, their
// metrics in the gateway's registry, and the heartbeat that tells deployments what is ready here.
import type client from "prom-client";
import type { GatewayInfo } from "../../shared/gateway-registry";
import { InlineHost } from "./inline-host";
import { InlinePool } from "./inline-pool";
import { registerInlineMetrics } from "./inline-metrics";

export type InlineSettings = {
  threads: number;
  batchTimeoutMs: number;
  loadTimeoutMs: number;
  maxModelMb: number;
  maxAbandoned: number;
  heapMb: number;
  maxQueuedRows: number;
  fileOf: (sha256: string) => string;
  log?: (msg: string, extra?: object) => void;
  /** every thread is stuck in a native run that cannot be stopped: this process can no longer serve inline */
  onExhausted?: (detail: string) => void;
};

export function startInline(s: InlineSettings, registry: client.Registry) {
  let host: InlineHost | null = null;
  let timeouts: client.Counter | null = null;
  const pool = new InlinePool({
    threads: s.threads, batchTimeoutMs: s.batchTimeoutMs, loadTimeoutMs: s.loadTimeoutMs, maxAbandoned: s.maxAbandoned, heapMb: s.heapMb, intraOpThreads: 1,
    onEvent: (event, detail) => {
      if (event === "timeout") timeouts?.inc();
      s.log?.(`inline ${event}`, { detail });
      if (event === "exhausted") s.onExhausted?.(detail);
    },
  });
  const metrics = registerInlineMetrics(registry, () => host, pool);
  timeouts = metrics.timeouts;
  host = new InlineHost(pool, { fileOf: s.fileOf, maxModelBytes: s.maxModelMb * 2 ** 20, maxQueuedRows: s.maxQueuedRows, observe: metrics.observe, log: s.log });
  const startedAt = Date.now();
  return {
    host,
    /** threads stuck in a native run: stopping the process then must not wait for them */
    busy: () => pool.abandonedCount > 0,
    /** no thread live and none may be started (a stuck run that ends frees its thread, and this turns false again) */
    exhausted: () => pool.exhausted,
    close: () => pool.close(),
    heartbeat: (id: string): GatewayInfo => ({ id, threads: pool.liveCount, abandoned: pool.abandonedCount, inline: host!.states(), queueDepth: host!.queueDepth(), startedAt, at: Date.now() }),
  };
}
