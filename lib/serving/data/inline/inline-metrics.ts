// The inline host's series in the gateway's registry: the inference workers' batch histograms
// under the gateway's prefix, plus what is particular to threads inside the gateway.
import client from "prom-client";
import type { InlineHost } from "./inline-host";
import type { InlinePool } from "./inline-pool";

export function registerInlineMetrics(registry: client.Registry, getHost: () => InlineHost | null, pool: InlinePool) {
  const batchRows = new client.Histogram({ name: "switchyard_gateway_inline_batch_rows", help: "rows per session.run of an inline version (placement inline), as switchyard_inference_batch_rows for workers", labelNames: ["version"], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] });
  const batchSeconds = new client.Histogram({ name: "switchyard_gateway_inline_batch_duration_seconds", help: "session.run time per inline batch, thread hop included", labelNames: ["version"], buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5], registers: [registry] });
  new client.Gauge({ name: "switchyard_gateway_inline_queued_rows", help: "rows waiting for an inline batch in this gateway process, all inline versions together", registers: [registry], collect() { this.set(getHost()?.queueDepth() ?? 0); } });
  new client.Gauge({ name: "switchyard_gateway_inline_versions_ready", help: "inline versions ready in this gateway process", registers: [registry], collect() { this.set(getHost()?.states().filter((s) => s.ready).length ?? 0); } });
  new client.Gauge({ name: "switchyard_gateway_inline_threads_abandoned", help: "inline threads set aside in a run past INLINE_BATCH_TIMEOUT_MS that has not returned yet", registers: [registry], collect() { this.set(pool.abandonedCount); } });
  const timeouts = new client.Counter({ name: "switchyard_gateway_inline_overruns_total", help: "inline tasks (batches, loads) that ran past their limit; each set its thread aside", registers: [registry] });
  return {
    observe: (version: string) => (rows: number, _requests: number, seconds: number) => {
      batchRows.observe({ version }, rows);
      batchSeconds.observe({ version }, seconds);
    },
    timeouts,
  };
}
