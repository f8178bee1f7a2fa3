// Sends requests to inference workers. Concurrent requests for the same worker and version are
// coalesced into one /batch call (one HTTP exchange for many requests, in the binary batch frame of
// shared/batch-frame.ts: typed arrays as raw bytes both ways, nothing printed or parsed as JSON). While
// MAX_IN_FLIGHT calls to a worker/version are out, new requests wait and leave together as soon as
// one returns; below that they leave at once, so a lone request never waits for company.
// Every call is signed with the cluster secret for the worker it goes to (shared/cluster-auth.ts):
// one HMAC-SHA256 over the batch's body, a few microseconds per KiB, once per coalesced call.
import http from "node:http";
import { SIGNATURE_HEADER, signCall } from "../../shared/cluster-auth";
import type { Tensor } from "../../shared/tensors";
import { BATCH_CONTENT_TYPE, decodeAnswers, encodeRequests, FRAME_HEADER_BYTES, MAX_BATCH_FRAME_BYTES, requestFrameBytes, type FrameResult } from "../../shared/batch-frame";
import { HttpError } from "../http";

/** One request's answer: the model's outputs (typed, in its output order), or its own error. */
export type WorkerResult = FrameResult;

/** The worker could not be reached or cannot take the request now: another replica may. */
export class RetryableError extends Error {}

type Pending = { feeds: Tensor[]; bytes: number; resolve: (r: WorkerResult) => void; reject: (e: Error) => void };

/** Where a call goes: the worker's id (the signature names it) and its URL, from its heartbeat. */
export type WorkerAddress = { id: string; url: string };

const MAX_IN_FLIGHT = 2;

export class Forwarder {
  private agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private queues = new Map<string, Pending[]>();
  private inFlight = new Map<string, number>();

  private readonly timeoutMs: number;
  private readonly coalesce: boolean;
  private readonly secret: string;

  /** coalesce=false sends each request on its own (only useful to measure what coalescing gains). */
  constructor(opts: { timeoutMs: number; coalesce?: boolean; secret: string }) {
    this.timeoutMs = opts.timeoutMs;
    this.coalesce = opts.coalesce ?? true;
    this.secret = opts.secret;
  }

  /** `feeds`: one request's inputs in the signature's order (what input-plan.ts parses). */
  send(worker: WorkerAddress, versionId: string, feeds: Tensor[]): Promise<WorkerResult> {
    const key = `${worker.id}|${worker.url}|${versionId}`;
    const bytes = requestFrameBytes(feeds);
    // the binary frame can be larger than the JSON it came from (`0,` is 2 bytes of JSON, 8 as an int64)
    if (FRAME_HEADER_BYTES + bytes > MAX_BATCH_FRAME_BYTES) return Promise.reject(new HttpError(413, "payload_too_large", `the request's tensors take ${bytes} bytes for the worker, over its ${MAX_BATCH_FRAME_BYTES}`));
    return new Promise((resolve, reject) => {
      let q = this.queues.get(key);
      const p = { feeds, bytes, resolve, reject };
      if (!this.coalesce) return this.post(worker, versionId, [p]);
      if ((this.inFlight.get(key) ?? 0) < MAX_IN_FLIGHT) return this.dispatch(key, worker, versionId, [p]);
      if (!q) this.queues.set(key, (q = []));
      q.push(p);
    });
  }

  /** Parsed once per worker and version: a call's URL depends on nothing else. */
  private urls = new Map<string, URL>();
  private urlOf(workerUrl: string, versionId: string): URL {
    const key = `${workerUrl}|${versionId}`;
    let url = this.urls.get(key);
    if (!url) {
      // bounded by workers × versions; a worker that moves away leaves a few stale entries at most
      if (this.urls.size > 10_000) this.urls.clear();
      this.urls.set(key, (url = new URL(`/batch/${encodeURIComponent(versionId)}`, workerUrl)));
    }
    return url;
  }

  private dispatch(key: string, worker: WorkerAddress, versionId: string, batch: Pending[]): void {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    const done = () => {
      this.inFlight.set(key, this.inFlight.get(key)! - 1);
      const waiting = this.queues.get(key);
      if (waiting?.length) {
        // as many as fit in one frame the worker reads; the rest leave with the next call
        let [n, bytes] = [0, FRAME_HEADER_BYTES];
        while (n < waiting.length && (n === 0 || bytes + waiting[n].bytes <= MAX_BATCH_FRAME_BYTES)) bytes += waiting[n++].bytes;
        const batch = n === waiting.length ? waiting : waiting.splice(0, n);
        if (batch === waiting) this.queues.delete(key);
        this.dispatch(key, worker, versionId, batch);
      }
    };
    this.post(worker, versionId, batch, done);
  }

  private post(worker: WorkerAddress, versionId: string, batch: Pending[], done: () => void = () => {}): void {
    const workerUrl = worker.url;
    let finished = false;
    const finish = () => { if (!finished) { finished = true; done(); } };
    // encoded once: the signature hashes the same bytes that are sent
    const requests = new Array<Tensor[]>(batch.length);
    for (let i = 0; i < batch.length; i++) requests[i] = batch[i].feeds;
    let body: Buffer, url: URL, signature: string;
    try {
      body = encodeRequests(requests);
      url = this.urlOf(workerUrl, versionId);
      signature = signCall(this.secret, { method: "POST", path: url.pathname, workerId: worker.id, body });
    } catch (err) {
      // never thrown out of here: this may run in a response's 'end' handler (a queued batch leaving), and the
      // call's slot must be given back or the worker/version would wait forever
      finish();
      return batch.forEach((p) => p.reject(err as Error));
    }
    const req = http.request(url, { method: "POST", agent: this.agent, headers: { "content-type": BATCH_CONTENT_TYPE, "content-length": body.length, [SIGNATURE_HEADER]: signature } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        finish();
        const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        if (res.statusCode !== 200) {
          let msg = `worker answered ${res.statusCode}`;
          try {
            msg = (JSON.parse(buf.toString("utf8")) as { error?: { message?: string } }).error?.message ?? msg;
          } catch { /* the status says enough */ }
          // not loaded there any more, or shedding load: another replica may take it
          const retry = res.statusCode === 404 || res.statusCode === 503;
          return batch.forEach((p) => p.reject(retry ? new RetryableError(msg) : new Error(msg)));
        }
        let results: FrameResult[];
        try {
          if (res.headers["content-type"] !== BATCH_CONTENT_TYPE) throw new Error(`content-type ${res.headers["content-type"]}`);
          results = decodeAnswers(buf);
          if (results.length !== batch.length) throw new Error(`${results.length} results for ${batch.length} requests`);
        } catch (err) {
          return batch.forEach((p) => p.reject(new RetryableError(`worker ${workerUrl} sent an unreadable answer: ${(err as Error).message}`)));
        }
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
      });
      res.on("error", (err) => { finish(); batch.forEach((p) => p.reject(new RetryableError(err.message))); });
    });
    req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`worker did not answer within ${this.timeoutMs} ms`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      finish();
      const connect = ["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"].includes(err.code ?? "");
      batch.forEach((p) => p.reject(connect ? new RetryableError(err.message) : err));
    });
    req.end(body);
  }
}
