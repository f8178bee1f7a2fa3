// Every process's Prometheus registry starts the same way: the Node.js runtime metrics (CPU, memory,
// event loop, GC) under one prefix, so `switchyard_process_cpu_seconds_total` means the same in the
// web, the gateway, the inference and the job workers; the scrape's `job` label tells them apart.
// Application metrics name their component: `switchyard_gateway_…`, `switchyard_inference_…`.
import client from "prom-client";

export const METRIC_PREFIX = "switchyard_";

export function createRegistry(): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
