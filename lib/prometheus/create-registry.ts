// Every process's Prometheus registry starts the same way: the Node.js runtime metrics (CPU, memory,
// event loop, GC) under one prefix, so `switchyard_process_cpu_seconds_total` means the same in the
// web, the gateway, the inference and the job workers; the scrape's `job` label tells them apart.
// Application metrics name their component: `switchyard_gateway_…`, `switchyard_inference_…`.
import client from "prom-client";

export const METRIC_PREFIX = "switchyard_";

/**
 * prom-client's default gauges that end in `_total` as if they were counters. Each is the sum of the
 * same gauge by `type` (`…_active_handles{type="Socket"}`), which stays: `sum()` gives the total.
 */
const MISNAMED_DEFAULTS = ["nodejs_active_resources_total", "nodejs_active_handles_total", "nodejs_active_requests_total"];

export function createRegistry(): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  for (const name of MISNAMED_DEFAULTS) if (registry.getSingleMetric(METRIC_PREFIX + name)) registry.removeSingleMetric(METRIC_PREFIX + name);
  return registry;
}
