// /healthz and /metrics for the job workers, which otherwise have no HTTP surface.
import http from "node:http";
import client from "prom-client";
import type { Queue } from "bullmq";

export function startJobsServer(opts: { port: number; host: string; queue: Queue; ingested: () => number }) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "switchyard_jobs_" });
  new client.Gauge({ name: "switchyard_predictions_ingested_total", help: "prediction records written by this process", registers: [registry], collect() { this.set(opts.ingested()); } });
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
