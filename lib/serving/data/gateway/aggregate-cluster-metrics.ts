// The primary side of a clustered gateway's /metrics. A process that got a scrape asks here; the
// primary collects every listening process's registry and aggregates them with prom-client's
// AggregatorRegistry (counters and histograms sum; each gauge says how it aggregates, in gateway.ts).
// A process that exits leaves its last collected counters and histograms behind, so the gateway's
// totals never go down when one is replaced (Prometheus would read a drop as a counter reset).
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import { isGatewayMessage, type AnswerMetrics, type CollectMetrics, type ProcessMetrics } from "./cluster-messages";

/** a process busy past this fails the scrape (503) rather than answer partial totals */
const COLLECT_TIMEOUT_MS = 4_000;
const CUMULATIVE = new Set(["counter", "histogram"]);
const isCumulative = (m: ProcessMetrics[number]) => CUMULATIVE.has(String(m.type));

type Collection = { waiting: Set<Worker>; got: Map<Worker, ProcessMetrics>; finish: () => void };

export function aggregateClusterMetrics(): void {
  const listening = new Set<Worker>();
  const lastSeen = new Map<Worker, ProcessMetrics>();
  /** the cumulative metrics of processes that exited; compacted into one entry after each scrape */
  const retired: ProcessMetrics[] = [];
  let compacting = false;
  const collections = new Map<number, Collection>();
  let next = 0;

  async function compactRetired() {
    if (compacting || retired.length < 2) return;
    compacting = true;
    try {
      const taken = retired.length;
      const merged = await AggregatorRegistry.aggregate(retired.slice(0, taken)).getMetricsAsJSON();
      retired.splice(0, taken, merged);
    } finally {
      compacting = false;
    }
  }

  async function gather(): Promise<string> {
    const id = next++;
    const workers = [...listening].filter((w) => w.isConnected());
    const got = new Map<Worker, ProcessMetrics>();
    await new Promise<void>((resolve, reject) => {
      const waiting = new Set(workers);
      const timer = setTimeout(() => {
        collections.delete(id);
        reject(new Error(`${waiting.size} of ${workers.length} gateway processes did not send their metrics in time`));
      }, COLLECT_TIMEOUT_MS);
      const finish = () => {
        if (waiting.size) return;
        clearTimeout(timer);
        collections.delete(id);
        resolve();
      };
      collections.set(id, { waiting, got, finish });
      for (const w of workers) w.send({ type: "switchyard-gateway:collect-metrics", id } satisfies CollectMetrics);
      finish();
    });
    const text = await AggregatorRegistry.aggregate([...got.values(), ...retired]).metrics();
    await compactRetired();
    return text;
  }

  cluster.on("listening", (w) => listening.add(w));
  cluster.on("exit", (w) => {
    listening.delete(w);
    const last = lastSeen.get(w);
    lastSeen.delete(w);
    if (last) retired.push(last.filter(isCumulative));
    // an answer it gave to a collection still under way is counted through `retired` now, not twice
    for (const c of collections.values()) {
      c.got.delete(w);
      c.waiting.delete(w);
      c.finish();
    }
  });
  cluster.on("message", (w, m: unknown) => {
    if (isGatewayMessage(m, "switchyard-gateway:collected-metrics")) {
      const c = collections.get(m.id);
      if (!c?.waiting.has(w)) return;
      lastSeen.set(w, m.metrics);
      c.got.set(w, m.metrics);
      c.waiting.delete(w);
      c.finish();
    } else if (isGatewayMessage(m, "switchyard-gateway:ask-metrics")) {
      const answer = (a: Omit<AnswerMetrics, "type" | "id">) => { if (w.isConnected()) w.send({ type: "switchyard-gateway:answer-metrics", id: m.id, ...a } satisfies AnswerMetrics); };
      gather().then((text) => answer({ text }), (err: Error) => answer({ error: err.message }));
    }
  });
}
