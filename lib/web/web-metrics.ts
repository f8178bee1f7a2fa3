import type client from "prom-client";
import { createRegistry } from "../prometheus/create-registry";

// One registry per process, kept on globalThis so Next's dev reloads don't register metrics twice.
declare global {
  var switchyardWebRegistry: client.Registry | undefined;
}

/** The web process's Prometheus registry (process and Node.js runtime metrics). */
export function webRegistry(): client.Registry {
  if (!globalThis.switchyardWebRegistry) {
    globalThis.switchyardWebRegistry = createRegistry();
  }
  return globalThis.switchyardWebRegistry;
}
