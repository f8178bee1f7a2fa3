// The worker side of a clustered gateway's /metrics: this process hands its registry to the primary
// when asked, and a scrape that lands here asks the primary for the whole gateway's text, so every
// process answers a scrape with the same totals (prom-client's AggregatorRegistry, in the primary).
import type { Registry } from "prom-client";
import { HttpError } from "../http";
import { isGatewayMessage, type AskMetrics, type CollectedMetrics } from "./cluster-messages";

/** longer than the primary's own wait for every process (aggregate-cluster-metrics.ts) */
const ASK_TIMEOUT_MS = 6_000;

/** Answers the primary's collects; returns what GET /metrics serves in this process. */
export function shareProcessMetrics(registry: Registry): () => Promise<string> {
  const send = (m: AskMetrics | CollectedMetrics) => process.send?.(m);
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  let next = 0;
  process.on("message", (m: unknown) => {
    if (isGatewayMessage(m, "switchyard-gateway:collect-metrics")) {
      void registry.getMetricsAsJSON().then((metrics) => send({ type: "switchyard-gateway:collected-metrics", id: m.id, metrics }));
    } else if (isGatewayMessage(m, "switchyard-gateway:answer-metrics")) {
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      clearTimeout(w.timer);
      if (m.text !== undefined) w.resolve(m.text);
      else w.reject(new HttpError(503, "unavailable", `gateway metrics unavailable: ${m.error ?? "no answer"}`));
    }
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new HttpError(503, "unavailable", "gateway metrics unavailable: the primary process did not answer"));
      }, ASK_TIMEOUT_MS);
      waiting.set(id, { resolve, reject, timer });
      send({ type: "switchyard-gateway:ask-metrics", id });
    });
}
