// /healthz and /metrics for the job workers, which otherwise have no HTTP surface.
import http from "node:http";
import type client from "prom-client";

export function startJobsServer(opts: { port: number; host: string; registry: client.Registry; ingested: () => number }) {
  const { registry } = opts;
  const server = http.createServer(async (req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ status: "ok", ingested: opts.ingested() }));
    }
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": registry.contentType });
      return res.end(await registry.metrics());
    }
    res.writeHead(404).end();
  });
  server.on("error", () => {}); // a second job worker on the same host simply has no metrics port
  server.listen(opts.port, opts.host);
  return server;
}
