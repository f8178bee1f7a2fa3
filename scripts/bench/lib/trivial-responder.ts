// Calibration target of the benchmarks: a node:http server in its own process(es) that reads the request
// and answers the same small JSON every time. What wrk reaches against it is the generator's ceiling here.
// argv[2]: processes (node:cluster on one port, like a gateway with GATEWAY_PROCESSES; default 1), so the
// ceiling is measured against as many server processes as the paths it is compared with.
import cluster from "node:cluster";
import http from "node:http";
import type { AddressInfo } from "node:net";

const processes = Math.max(1, Number(process.argv[2] ?? 1) || 1);
const body = JSON.stringify({ predictions: [0.3], model_version: 1, variant: "calibration", id: "00000000-0000-0000-0000-000000000000" });

function serve(onListening: (port: number) => void): void {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => onListening((server.address() as AddressInfo).port));
}

if (processes === 1) {
  serve((port) => process.send?.({ port }));
} else if (cluster.isPrimary) {
  // in a cluster every worker's listen(0) gets the same port
  let listening = 0;
  cluster.on("listening", (_w, address) => {
    if (++listening === processes) process.send?.({ port: address.port });
  });
  for (let i = 0; i < processes; i++) cluster.fork();
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
} else {
  serve(() => {});
  process.on("disconnect", () => process.exit(0));
}
