import client from "prom-client";

const globalForMetrics = globalThis as unknown as { switchyardWebRegistry?: client.Registry };

/** The web process's Prometheus registry (process and Node.js runtime metrics). */
export function webRegistry(): client.Registry {
  if (!globalForMetrics.switchyardWebRegistry) {
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry, prefix: "switchyard_web_" });
    globalForMetrics.switchyardWebRegistry = registry;
  }
  return globalForMetrics.switchyardWebRegistry;
}
