// The primary of a clustered gateway (GATEWAY_PROCESSES > 1): it forks the processes that serve
// (node:cluster hands them the connections of one port; Node 20's net has no SO_REUSEPORT), starts
// another when one dies, and answers their /metrics questions for the whole gateway. It opens no
// database or Redis connection and serves nothing itself.
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { aggregateClusterMetrics } from "./aggregate-cluster-metrics";
import { PROCESS_STOP_MS } from "./shutdown-grace";

/** a process that lived this long before dying starts the backoff over */
const HEALTHY_AFTER_MS = 10_000;
const FIRST_RESTART_MS = 250;
const MAX_RESTART_MS = 15_000;

export function runGatewayCluster(opts: { processes: number; log: Logger }): void {
  const { log } = opts;
  aggregateClusterMetrics();
  // one slot per process: its restart backoff is its own
  const slots = Array.from({ length: opts.processes }, () => ({ worker: null as Worker | null, startedAt: 0, quickDeaths: 0, restart: null as NodeJS.Timeout | null }));
  const slotOf = new Map<Worker, number>();
  let stopping = false;
  let failed = false;

  const fork = (i: number) => {
    const slot = slots[i];
    slot.restart = null;
    slot.worker = cluster.fork();
    slot.startedAt = Date.now();
    slotOf.set(slot.worker, i);
  };

  cluster.on("exit", (w, code, signal) => {
    const i = slotOf.get(w);
    slotOf.delete(w);
    if (i === undefined) return;
    const slot = slots[i];
    slot.worker = null;
    if (stopping) {
      if (code !== 0) failed = true;
      if (slots.every((s) => !s.worker)) process.exit(failed ? 1 : 0);
      return;
    }
    slot.quickDeaths = Date.now() - slot.startedAt >= HEALTHY_AFTER_MS ? 0 : slot.quickDeaths + 1;
    const delay = Math.min(FIRST_RESTART_MS * 2 ** slot.quickDeaths, MAX_RESTART_MS);
    log.error({ processPid: w.process.pid, code, signal, restartInMs: delay }, "gateway process died; starting another");
    slot.restart = setTimeout(() => fork(i), delay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "gateway stopping: each process finishes its requests and flushes its prediction log");
    for (const s of slots) {
      if (s.restart) clearTimeout(s.restart);
      s.restart = null;
      // a process whose signal came from the terminal too stops once all the same
      s.worker?.process.kill(signal);
    }
    if (slots.every((s) => !s.worker)) process.exit(0);
    setTimeout(() => {
      log.error("gateway processes did not stop in time; killing them");
      for (const s of slots) s.worker?.process.kill("SIGKILL");
      process.exit(1);
    }, PROCESS_STOP_MS + 3_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  for (let i = 0; i < opts.processes; i++) fork(i);
  log.info({ processes: opts.processes }, "gateway primary started its processes");
}
