// A lean HTTP/1.1 load generator for the GPU bench (the device has no wrk): pre-encoded requests on
// keep-alive sockets, so the client costs far less than the servers it measures.
import net from "node:net";

export type LoadResult = { requests: number; errors: number; seconds: number; rps: number; p50: number; p99: number };

export async function runLoad(opts: { port: number; path: string; body: string; concurrency: number; seconds: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const head = `POST ${opts.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(opts.body)}\r\n${Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
  const request = Buffer.from(head + opts.body);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const started = performance.now();

  const worker = () =>
    new Promise<void>((resolve) => {
      const sock = net.connect(opts.port, "127.0.0.1");
      sock.setNoDelay(true);
      let buf: Buffer = Buffer.alloc(0);
      let t0 = 0;
      const send = () => {
        if (performance.now() >= deadline) return sock.end(), resolve();
        t0 = performance.now();
        sock.write(request);
      };
      sock.on("connect", send);
      sock.on("data", (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) return;
          const headers = buf.subarray(0, end).toString("latin1");
          const len = Number(/content-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
          if (buf.length < end + 4 + len) return;
          if (!headers.startsWith("HTTP/1.1 200")) errors++;
          latencies.push(performance.now() - t0);
          buf = buf.subarray(end + 4 + len);
          send();
        }
      });
      sock.on("error", () => { errors++; resolve(); });
      sock.on("close", () => resolve());
    });

  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99) };
}
