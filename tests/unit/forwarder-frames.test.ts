// The gateway's forwarder never sends an inference worker a batch frame larger than the worker reads
// (MAX_BATCH_FRAME_BYTES): queued requests leave in as many calls as they need, and a request too large on
// its own gets 413 without a call. The worker here is a stand-in that decodes each frame and echoes it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Forwarder } from "@/lib/serving/data/gateway/forwarder";
import { BATCH_CONTENT_TYPE, decodeRequests, encodeAnswers, MAX_BATCH_FRAME_BYTES } from "@/lib/serving/shared/batch-frame";
import { HttpError } from "@/lib/serving/data/http";
import type { Tensor } from "@/lib/serving/shared/tensors";

const frames: number[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      frames.push(body.length);
      // answer each request with its first value, after a moment (so the next requests queue)
      const answers = decodeRequests(body).map((r) => ({ outputs: [{ name: "y", type: "float64", dims: [1], data: Float64Array.of(Number((r.inputs[0].data as Float64Array)[0])) }] as Tensor[] }));
      setTimeout(() => {
        const out = encodeAnswers(answers);
        res.writeHead(200, { "content-type": BATCH_CONTENT_TYPE, "content-length": out.length });
        res.end(out);
      }, 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const wide = (i: number, values: number): Tensor[] => {
  const data = new Float64Array(values);
  data[0] = i;
  return [{ name: "x", type: "float64", dims: [1, values], data }];
};

describe("forwarder frames", () => {
  it("splits queued requests into frames the worker reads, every request answered in order", async () => {
    frames.length = 0;
    const f = new Forwarder({ timeoutMs: 10_000, secret: "s".repeat(32) });
    // 10 requests of 3.2 MB each: 32 MB in all, two frames' worth at the least
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => f.send({ id: "w1", url }, "v1", wide(i + 1, 400_000))));
    expect(answers.map((a) => ("outputs" in a ? Number(a.outputs[0].data[0]) : a.error.message))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...frames)).toBeLessThanOrEqual(MAX_BATCH_FRAME_BYTES);
    // queued requests still leave together (coalescing kept): fewer calls than requests
    expect(frames.length).toBeLessThan(10);
  });

  it("answers 413 to a request too large for any frame, without calling the worker", async () => {
    frames.length = 0;
    const f = new Forwarder({ timeoutMs: 10_000, secret: "s".repeat(32) });
    const err = await f.send({ id: "w1", url }, "v1", wide(1, MAX_BATCH_FRAME_BYTES / 8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(frames).toEqual([]);
  });
});
