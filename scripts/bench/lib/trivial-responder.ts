// Calibration target of bench:serving: a node:http server in its own process that reads the request and
// answers the same small JSON every time. What wrk reaches against it is the generator's ceiling here.
import http from "node:http";
import type { AddressInfo } from "node:net";

const body = JSON.stringify({ predictions: [0.3], model_version: 1, variant: "calibration", id: "00000000-0000-0000-0000-000000000000" });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
