import client from "prom-client";

// One registry per process, kept on globalThis so Next's dev reloads don't register metrics twice.
declare global {
  var switchyardWebRegistry: client.Registry | undefined;
}

/** The web process's Prometheus registry (process and Node.js runtime metrics). */
export function webRegistry(): client.Registry {
  if (!globalThis.switchyardWebRegistry) {
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry, prefix: "switchyard_web_" });
    globalThis.switchyardWebRegistry = registry;
  }
  return globalThis.switchyardWebRegistry;
}
