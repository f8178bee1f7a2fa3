// A stand-in for something outside the machine (a webhook receiver, Slack, PagerDuty): a local HTTP
// server on a free port that records every request and answers as the test says.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** `answered`: the status this server gave it */
export type Received = { at: number; method: string; path: string; headers: http.IncomingHttpHeaders; body: string; answered?: number };
export type Answer = { status: number; headers?: Record<string, string>; body?: string };

export type Receiver = { url: string; port: number; requests: Received[]; close(): Promise<void> };

/** `answer` gets each request and how many came before it (0 for the first). */
export async function startReceiver(answer: (req: Received, n: number) => Answer = () => ({ status: 200, body: "ok" })): Promise<Receiver> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { at: Date.now(), method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const a = answer(r, requests.length);
      r.answered = a.status;
      requests.push(r);
      res.writeHead(a.status, { "content-type": "text/plain", ...a.headers }).end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
