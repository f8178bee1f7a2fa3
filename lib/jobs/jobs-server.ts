// /healthz and /metrics for the job workers, which otherwise have no HTTP surface.
import http from "node:http";
import client from "prom-client";
import type { Queue } from "bullmq";

export function startJobsServer(opts: { port: number; host: string; queue: Queue; ingested: () => number; deadLettered: () => number; deadLetterLength: () => Promise<number> }) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "switchyard_jobs_" });
  new client.Gauge({ name: "switchyard_predictions_ingested_total", help: "prediction records written by this process", registers: [registry], collect() { this.set(opts.ingested()); } });
  let deadLettered = 0;
  new client.Counter({
    name: "switchyard_predictions_dead_lettered_total", help: "prediction records this process sent to the dead-letter stream (Postgres refused them, or they were not records)", registers: [registry],
    collect() {
      const now = opts.deadLettered();
      if (now > deadLettered) this.inc(now - deadLettered);
      deadLettered = now;
    },
  });
  new client.Gauge({
    name: "switchyard_predictions_dead_letter_stream_length", help: "records in the dead-letter stream (all job workers; trimmed to about 10,000)", registers: [registry],
    async collect() { this.set(await opts.deadLetterLength().catch(() => Number.NaN)); },
  });
  const waiting = new client.Gauge({ name: "switchyard_deployments_jobs", help: "deployment jobs by state", labelNames: ["state"], registers: [registry] });
  const server = http.createServer(async (req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ status: "ok", ingested: opts.ingested() }));
    }
    if (req.url === "/metrics") {
      const counts = await opts.queue.getJobCounts("waiting", "active", "delayed", "failed").catch(() => ({}) as Record<string, number>);
      for (const [state, n] of Object.entries(counts)) waiting.set({ state }, n);
      res.writeHead(200, { "content-type": registry.contentType });
      return res.end(await registry.metrics());
    }
    res.writeHead(404).end();
  });
  server.on("error", () => {}); // a second job worker on the same host simply has no metrics port
  server.listen(opts.port, opts.host);
  return server;
}
