// The inference worker's HTTP API: admin load/unload for deployment jobs, a batch endpoint for
// the gateway, OIP v2 for direct calls, health and Prometheus metrics. Every POST must be signed
// with the cluster secret for this worker (shared/cluster-auth.ts), or it gets 401 before its body
// is parsed; admin calls are also refused when replayed. Health and metrics stay open.
import http from "node:http";
import client from "prom-client";
import { batchingSchema, DEFAULT_BATCHING } from "../../shared/routing";
import { precheckCall, REFUSAL_MESSAGES, ReplayGuard, SIGNATURE_HEADER, verifyCall } from "../../shared/cluster-auth";
import { InputError, oipDatatype, toList, type Tensor } from "../../shared/tensors";
import { BATCH_CONTENT_TYPE, decodeRequests, encodeAnswers, FrameError, MAX_BATCH_FRAME_BYTES, type FrameResult } from "../../shared/batch-frame";
import { HttpError, parseJson, readBody, sendError, sendJson } from "../http";
import { Overloaded } from "./batcher";
import { ModelHost, UnknownVersion } from "./model-host";
import { ModelMemory, ModelTimeout } from "./session-runner";
import { z } from "zod";
import { createRegistry } from "../../../prometheus/create-registry";

const loadSchema = z.object({ versionId: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), batching: batchingSchema.default(DEFAULT_BATCHING) });
const BODY_LIMIT = 16 * 1024 * 1024;

export type InferenceMetrics = ReturnType<typeof createInferenceMetrics>;

export function createInferenceMetrics() {
  const registry = createRegistry();
  // `version` is the model version's id: one series per version loaded on this worker
  return {
    registry,
    batchRows: new client.Histogram({ name: "switchyard_inference_batch_rows", help: "rows per session.run", labelNames: ["version"], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] }),
    batchSeconds: new client.Histogram({ name: "switchyard_inference_batch_duration_seconds", help: "session.run time per batch", labelNames: ["version"], buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5], registers: [registry] }),
    requestSeconds: new client.Histogram({ name: "switchyard_inference_request_duration_seconds", help: "time from arrival to answer per call (a gateway batch call or a direct OIP call)", labelNames: ["version"], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1], registers: [registry] }),
    queueDepth: new client.Gauge({ name: "switchyard_inference_queued_rows", help: "rows waiting for a batch, all loaded versions together", registers: [registry] }),
    // Prometheus computes the age (time() - it): a worker that runs but cannot reach Redis is one no gateway routes to
    lastHeartbeat: new client.Gauge({ name: "switchyard_inference_last_heartbeat_timestamp_seconds", help: "when this worker last published its heartbeat to Redis (Unix time; its start until the first); gateways stop routing to a worker 6 s after its last one", registers: [registry] }),
    refused: new client.Counter({ name: "switchyard_inference_refused_calls_total", help: "calls refused for a missing, bad, stale or replayed cluster signature", labelNames: ["reason"], registers: [registry] }),
  };
}

/** Who this worker is, for the signatures it accepts. */
export type ClusterIdentity = { workerId: string; secret: string };

/**
 * `announce` publishes the worker's heartbeat; load and unload await it before answering, so the
 * gateway can already see a newly loaded version when a deployment switches traffic to it.
 */
export function createInferenceServer(host: ModelHost, metrics: InferenceMetrics, info: () => object, announce: () => Promise<void>, cluster: ClusterIdentity) {
  const observeRequest = (version: string, started: bigint) => metrics.requestSeconds.observe({ version }, Number(process.hrtime.bigint() - started) / 1e9);
  const replays = new ReplayGuard();
  const refuse = (req: http.IncomingMessage, reason: keyof typeof REFUSAL_MESSAGES | "replayed") => {
    metrics.refused.inc({ reason });
    req.resume();
    return new HttpError(401, "unauthorized", reason === "replayed" ? "this signed call was already used" : REFUSAL_MESSAGES[reason]);
  };
  /** The bytes of a signed call; 401 (without reading the body) when the signature cannot be good. */
  const readSignedBytes = async (req: http.IncomingMessage, limit: number, opts: { once?: boolean } = {}): Promise<Buffer> => {
    const header = req.headers[SIGNATURE_HEADER];
    const pre = precheckCall(header);
    if (!pre.ok) throw refuse(req, pre.reason);
    const body = await readBody(req, limit);
    const v = verifyCall(cluster.secret, header, { method: req.method ?? "", path: req.url ?? "/", workerId: cluster.workerId, body });
    if (!v.ok) throw refuse(req, v.reason);
    if (opts.once && !replays.firstUse(v.v1)) throw refuse(req, "replayed");
    return body;
  };
  /** The body of a signed call, as JSON. */
  const readSigned = async (req: http.IncomingMessage, limit: number, opts: { once?: boolean } = {}): Promise<unknown> => parseJson(await readSignedBytes(req, limit, opts));

  return http.createServer(async (req, res) => {
    const url = req.url ?? "/";
    try {
      if (req.method === "POST" && url.startsWith("/batch/")) {
        // Gateway path: many requests per call, in the binary batch frame (shared/batch-frame.ts) both
        // ways; each request gets its own result so one bad one fails alone.
        const versionId = decodeURIComponent(url.slice(7));
        const started = process.hrtime.bigint();
        const body = await readSignedBytes(req, MAX_BATCH_FRAME_BYTES);
        if (req.headers["content-type"] !== BATCH_CONTENT_TYPE) throw new HttpError(415, "unsupported_media_type", `a batch call's body must be ${BATCH_CONTENT_TYPE}`);
        let requests;
        try {
          requests = decodeRequests(body);
        } catch (err) {
          if (err instanceof FrameError) throw new HttpError(400, "bad_request", err.message);
          throw err;
        }
        host.get(versionId);
        const pending = new Array<Promise<FrameResult>>(requests.length);
        for (let i = 0; i < requests.length; i++) pending[i] = host.inferTyped(versionId, requests[i]).then(asOutputs, asError);
        const answer = encodeAnswers(await Promise.all(pending));
        observeRequest(versionId, started);
        res.writeHead(200, { "content-type": BATCH_CONTENT_TYPE, "content-length": answer.length });
        return res.end(answer);
      }
      const oip = /^\/v2\/models\/([^/]+)\/infer$/.exec(url);
      if (req.method === "POST" && oip) {
        const versionId = decodeURIComponent(oip[1]);
        const started = process.hrtime.bigint();
        const body = (await readSigned(req, BODY_LIMIT)) as { id?: string; inputs?: { name: string; shape: unknown; data: unknown }[] };
        const m = host.get(versionId);
        if (!Array.isArray(body?.inputs)) throw new InputError('body must be {"inputs": [...]}');
        const outputs = await host.infer(versionId, Object.fromEntries(body.inputs.map((i) => [i.name, { shape: i.shape, data: i.data }])));
        observeRequest(versionId, started);
        return sendJson(res, 200, {
          model_name: versionId,
          id: body.id ?? null,
          outputs: outputs.map((t) => ({ name: t.name, shape: t.dims, datatype: oipDatatype(m.signature.outputs.find((o) => o.name === t.name)?.type ?? "float32"), data: toList(t.data) })),
        });
      }
      if (req.method === "POST" && url === "/admin/load") {
        const body = loadSchema.safeParse(await readSigned(req, 1024 * 1024, { once: true }));
        if (!body.success) throw new HttpError(400, "bad_request", body.error.issues[0].message);
        const signature = await host.load(body.data.versionId, body.data.sha256, body.data.batching);
        await announce();
        return sendJson(res, 200, { versionId: body.data.versionId, ready: true, signature, worker: info() });
      }
      if (req.method === "POST" && url === "/admin/unload") {
        const body = (await readSigned(req, 1024 * 1024, { once: true })) as { versionId?: string };
        const unloaded = await host.unload(String(body?.versionId ?? ""));
        await announce();
        return sendJson(res, 200, { unloaded });
      }
      if (req.method === "GET" && (url === "/healthz" || url === "/v2/health/live")) return sendJson(res, 200, { status: "ok", ...info() });
      if (req.method === "GET" && url === "/v2/health/ready") return sendJson(res, 200, { ready: true });
      if (req.method === "GET" && url === "/metrics") {
        metrics.queueDepth.set(host.queueDepth());
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        return res.end(await metrics.registry.metrics());
      }
      sendError(res, 404, "not_found", `no route ${req.method} ${url}`);
    } catch (err) {
      const e = errorOf(err as Error);
      sendError(res, e.status, e.code, e.message);
    }
  });
}

const asOutputs = (outputs: Tensor[]): FrameResult => ({ outputs });
const asError = (err: Error): FrameResult => ({ error: errorOf(err) });

function errorOf(err: Error): { status: number; code: string; message: string } {
  if (err instanceof InputError) return { status: 400, code: "bad_request", message: err.message };
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof UnknownVersion) return { status: 404, code: "not_loaded", message: err.message };
  if (err instanceof Overloaded) return { status: 503, code: "overloaded", message: err.message };
  // the model's own fault: the gateway passes it on and does not try another replica
  if (err instanceof ModelTimeout) return { status: 504, code: "model_timeout", message: err.message };
  if (err instanceof ModelMemory) return { status: 503, code: "model_memory", message: err.message };
  return { status: 500, code: "inference_failed", message: String(err.message ?? err).split("\n")[0].slice(0, 300) };
}
