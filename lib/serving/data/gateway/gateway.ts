// The data plane: routes each request to a variant (weighted, sticky, or overridden), forwards it
// to a ready replica, answers with the version that produced it, then logs it and feeds shadows.
import http from "node:http";
import { randomUUID } from "node:crypto";
import client from "prom-client";
import type { Signature } from "../../../onnx/signature";
import type { Variant } from "../../shared/routing";
import { findOverride, pickVariant, stickyKeyOf } from "./pick-variant";
import { InputError, oipDatatype, type Tensor } from "../../shared/tensors";
import { parseInstances, parseOip, planFor, type ParsedInputs } from "../../shared/input-plan";
import { answerTemplate, oipAnswer, predictAnswer, sendAnswer, type AnswerTemplate } from "./answer-template";
import { HttpError, readJson, sendError, sendJson } from "../http";
import { storableText } from "../../../db/storable-text";
import type { EndpointRoute } from "./routing-table";
import type { WorkerDirectory } from "./worker-directory";
import { Forwarder, RetryableError } from "./forwarder";
import { EndpointAuth, hasBearer } from "./endpoint-auth";
import { gatewayOpenApi } from "./openapi";
import type { InFlight } from "./in-flight";
import type { PredictionLogger } from "../prediction-log/prediction-logger";
import { sampleInputs } from "../prediction-log/sample-inputs";
import { APP_VERSION } from "../../../version";
import { createRegistry } from "../../../prometheus/create-registry";
import { OTEL_HTTP_DURATION_BUCKETS } from "../../../prometheus/buckets";

export type GatewayDeps = {
  table: () => Map<string, EndpointRoute> | null;
  directory: WorkerDirectory;
  forwarder: Forwarder;
  logger: PredictionLogger;
  maxBodyBytes: number;
  /** requests per endpoint key per second in this process (0: no limit) */
  keyRatePerSecond: number;
  /** when set, GET /metrics needs Authorization: Bearer <it> (the metrics name endpoints and variants) */
  metricsToken?: string;
  /** the /metrics text (default: this process's registry; a cluster worker asks its primary for the whole gateway's) */
  metricsText?: () => Promise<string>;
  /** fields added to /healthz and /v2/health/live (e.g. the process count of a clustered gateway) */
  health?: () => Record<string, unknown>;
  /** shadow copies still running after their request's answer (a stopping gateway waits for them) */
  shadows?: InFlight;
  /** why this process must be restarted (liveness answers 503 with it), or null while it is live */
  notLive?: () => string | null;
  onShadowError?: (err: Error) => void;
  /** keys the input-sampling hash (sample-inputs.ts), so a client cannot pick request ids that escape the sample */
  samplingKey?: Buffer;
  /** runs placement "inline" variants in this process; null from it: not ready here (lib/serving/data/inline) */
  inline?: { run(versionId: string, feeds: Tensor[]): Promise<Tensor[]> | null; ready(versionId: string): boolean };
};

export const OVERRIDE_HEADER = "x-switchyard-variant";

/**
 * Inputs or outputs larger than this (values over all their tensors) are logged as null, the inputs as not
 * kept (`ns`, like a request the endpoint's input sampling leaves out): a model answering millions of
 * values, or a client sending 4 MiB bodies of them, would make buffered records, stream entries and Postgres
 * rows of hundreds of megabytes. The request is still logged and counted.
 */
export const MAX_LOGGED_VALUES = 65_536;

const valueCount = (tensors: readonly Tensor[]) => tensors.reduce((n, t) => n + t.data.length, 0);

/**
 * A record's time in epoch ms to the microsecond (Postgres keeps microseconds). The log drops a record whose
 * request id, variant and time it already holds (a replay), and the request id may be the client's own: a
 * client reusing one id would lose every other request that landed in the same millisecond, from the log
 * and from the rollups. The microseconds come from the monotonic clock, so two requests of one process
 * never share them in practice.
 */
const loggedTime = () => Date.now() + Math.floor((performance.now() % 1) * 1000) / 1000;

export function createGatewayMetrics(directory?: WorkerDirectory, logger?: PredictionLogger) {
  const registry = createRegistry();
  // Heartbeats in Redis that do not carry the cluster secret's signature: never routed to.
  new client.Counter({
    name: "switchyard_gateway_forged_heartbeats_total", help: "distinct worker heartbeats refused (unsigned, another secret, stale, or under another worker's id)", labelNames: ["reason"], registers: [registry],
    // every process of a clustered gateway reads the same heartbeats: the whole gateway saw the most any one saw
    aggregator: "max",
    collect() {
      this.reset();
      for (const [reason, n] of directory?.forgedTotal ?? []) this.inc({ reason }, n);
    },
  });
  new client.Gauge({ name: "switchyard_gateway_forged_heartbeats", help: "refused worker heartbeats in Redis at the last refresh", registers: [registry], aggregator: "max", collect() { this.set(directory?.forgedNow ?? 0); } });
  // 0 means nothing can be served: every inference worker stopped heartbeating (or none was started)
  new client.Gauge({ name: "switchyard_gateway_inference_workers", help: "inference workers whose signed heartbeat this gateway saw within the heartbeat TTL", registers: [registry], aggregator: "max", collect() { this.set(directory?.workers ?? 0); } });
  new client.Gauge({ name: "switchyard_gateway_prediction_buffer_records", help: "prediction records waiting in this gateway to be sent to the Redis stream (grows while Redis is away)", registers: [registry], aggregator: "sum", collect() { this.set(logger?.pending ?? 0); } });
  let dropped = 0;
  new client.Counter({
    name: "switchyard_gateway_prediction_records_dropped_total", help: "prediction records dropped because the gateway's buffer was full (Redis away for long)", registers: [registry],
    collect() {
      const now = logger?.dropped ?? 0;
      if (now > dropped) this.inc(now - dropped);
      dropped = now;
    },
  });
  return {
    registry,
    authRefused: new client.Counter({ name: "switchyard_gateway_auth_refused_total", help: "data-plane requests refused by endpoint-key checks, by reason", labelNames: ["reason"], registers: [registry] }),
    requests: new client.Counter({ name: "switchyard_gateway_requests_total", help: "requests routed to a variant, by endpoint, variant and HTTP status (shadow copies not counted)", labelNames: ["endpoint", "variant", "status"], registers: [registry] }),
    // every routed answer but bad input (400, the client's error), as in the prediction log's rollups
    duration: new client.Histogram({ name: "switchyard_gateway_request_duration_seconds", help: "time from a request's arrival to its answer, by endpoint and variant (OpenTelemetry HTTP server buckets)", labelNames: ["endpoint", "variant"], buckets: OTEL_HTTP_DURATION_BUCKETS, registers: [registry] }),
  };
}

type Form = "oip" | "predict";

/** What an unknown endpoint is checked as: one that needs a key and has none. */
const UNKNOWN_ROUTE: EndpointRoute = { id: "", name: "", requireKey: true, keys: new Map(), routingVersion: 0, serving: [], shadows: [], all: [], sticky: null, signatures: new Map(), logInputs: 1 };

export function createGateway(deps: GatewayDeps, metrics = createGatewayMetrics(deps.directory, deps.logger)) {
  const { directory, forwarder, logger } = deps;
  const openApi = JSON.stringify(gatewayOpenApi(APP_VERSION));
  const auth = new EndpointAuth({ ratePerSecond: deps.keyRatePerSecond, onRefused: (reason) => metrics.authRefused.inc({ reason }) });

  async function runOn(variant: Variant, feeds: Tensor[]): Promise<Tensor[]> {
    const inline = variant.placement === "inline" ? deps.inline?.run(variant.versionId, feeds) : null;
    if (inline) return inline;
    const replicas = directory.replicas(variant.versionId);
    if (!replicas.length) throw new HttpError(503, "unavailable", variant.placement === "inline" ? `variant ${variant.name} is loading in this gateway` : `no ready replica for variant ${variant.name}`);
    let last: Error | null = null;
    for (const w of replicas) {
      try {
        const r = await forwarder.send(w, variant.versionId, feeds);
        // 504: the model ran past its time limit on the worker, 503 model_memory: past its memory limit; its own
        // fault either way: no other replica is tried
        if ("error" in r) throw new HttpError(r.error.status === 400 || r.error.status === 504 || r.error.code === "model_memory" ? r.error.status : 500, r.error.code, r.error.message);
        return r.outputs;
      } catch (err) {
        if (!(err instanceof RetryableError)) throw err;
        directory.markDown(w.id);
        last = err;
      }
    }
    throw new HttpError(503, "unavailable", `no replica of ${variant.name} answered: ${last?.message}`);
  }

  /** The body as typed tensors in one pass, checked against the version's compiled plan (shared/input-plan.ts). */
  function toFeeds(form: Form, body: unknown, sig: Signature | undefined, variant: Variant): ParsedInputs {
    if (!sig) throw new HttpError(503, "unavailable", `signature of ${variant.name} is not known yet`);
    const plan = planFor(variant.versionId, sig);
    return form === "oip" ? parseOip(plan, body) : parseInstances(plan, body);
  }

  // Answers are written from strings made once per variant object (a routing reload makes new ones).
  const templates = new WeakMap<Variant, { answer: AnswerTemplate; ok: ReturnType<typeof metrics.requests.labels>; duration: ReturnType<typeof metrics.duration.labels> }>();
  function templateOf(endpoint: string, v: Variant, sig: Signature | undefined) {
    let t = templates.get(v);
    if (!t) {
      t = { answer: answerTemplate(endpoint, v, sig), ok: metrics.requests.labels({ endpoint, variant: v.name, status: "200" }), duration: metrics.duration.labels({ endpoint, variant: v.name }) };
      templates.set(v, t);
    }
    return t;
  }

  // inputs and outputs are logged as the tensors they are (the logger copies their values into its open
  // block at once, log-block-builder.ts, so nothing of the request outlives it); the logged copy of outputs
  // (and the error) holds only storable strings: a NUL a model returns is logged JSON-escaped (the block's
  // encoder and storableText), so the record is stored, not dead-lettered; the client's answer is untouched
  function record(route: EndpointRoute, v: Variant, requestId: string, started: number, status: number, feeds: Tensor[] | null, outputs: Tensor[] | null, shadow: boolean, rows: number, err?: string) {
    // with the log off, the record is not even made
    if (!logger.enabled) return;
    const inValues = feeds ? valueCount(feeds) : 0;
    const outValues = outputs ? valueCount(outputs) : 0;
    const inputsKept = inValues <= MAX_LOGGED_VALUES && sampleInputs(route.logInputs, requestId, deps.samplingKey);
    const keepIn = feeds !== null && inputsKept;
    const keepOut = outputs !== null && outValues <= MAX_LOGGED_VALUES;
    logger.log({
      t: loggedTime(), e: route.id, v: v.name, n: v.version, id: requestId, s: status, l: Number((performance.now() - started).toFixed(3)), sh: shadow, r: rows,
      in: keepIn ? feeds : null, ns: !inputsKept, out: keepOut ? outputs : null,
      // every record one shape (the block writes an absent err and a false ns the same way)
      err: err ? storableText(err) : undefined,
    }, (keepIn ? inValues : 0) + (keepOut ? outValues : 0));
  }

  /**
   * The endpoint's route once the request may use it (endpoint-auth.ts). An unknown endpoint is answered
   * as a key-protected one the request holds no key of (401 with the same message, or 403 for another
   * endpoint's key), so a client without its key cannot tell which endpoints exist.
   */
  async function authorizedRoute(req: http.IncomingMessage, table: Map<string, EndpointRoute>, endpoint: string): Promise<EndpointRoute> {
    const route = table.get(endpoint);
    if (!route) {
      await auth.check(req, { ...UNKNOWN_ROUTE, name: endpoint }, table);
      throw new HttpError(404, "not_found", `endpoint "${endpoint}" not found`);
    }
    await auth.check(req, route, table);
    return route;
  }

  function runShadows(route: EndpointRoute, form: Form, body: unknown, requestId: string) {
    for (const v of route.shadows) {
      const started = performance.now();
      let feeds: Tensor[] | null = null;
      let rows = 0;
      const run = Promise.resolve()
        .then(() => {
          ({ feeds, rows } = toFeeds(form, body, route.signatures.get(v.versionId), v));
          return runOn(v, feeds);
        })
        .then(
          (out) => record(route, v, requestId, started, 200, feeds, out, true, rows),
          (err: Error) => {
            record(route, v, requestId, started, err instanceof HttpError ? err.status : 500, feeds, null, true, rows, err.message);
            deps.onShadowError?.(err);
          },
        );
      deps.shadows?.track(run);
    }
  }

  async function infer(req: http.IncomingMessage, res: http.ServerResponse, endpoint: string, form: Form) {
    const started = performance.now();
    const requestId = (req.headers["x-request-id"] as string | undefined)?.slice(0, 100) || randomUUID();
    const table = deps.table();
    if (!table) throw new HttpError(503, "unavailable", "routing table not loaded yet");
    // the key first: a client without one gets 401 before its body is read
    const route = await authorizedRoute(req, table, endpoint);
    const body = await readJson(req, deps.maxBodyBytes);

    const override = req.headers[OVERRIDE_HEADER];
    let variant: Variant | null;
    if (typeof override === "string" && override) {
      variant = findOverride(route.all, override);
      if (!variant) throw new HttpError(400, "bad_request", `${OVERRIDE_HEADER}: no serving variant "${override}" on ${endpoint} (shadows never answer)`);
    } else {
      variant = pickVariant(route.serving, stickyKeyOf(route.sticky, req.headers, body));
    }
    if (!variant) throw new HttpError(503, "unavailable", `endpoint "${endpoint}" has no serving variants`);

    let feeds: Tensor[] | null = null;
    let rows = 0;
    try {
      const sig = route.signatures.get(variant.versionId);
      ({ feeds, rows } = toFeeds(form, body, sig, variant));
      const outputs = await runOn(variant, feeds);
      const t = templateOf(endpoint, variant, sig);
      const text = form === "oip" ? oipAnswer(t.answer, (body as { id?: unknown }).id ?? requestId, outputs) : predictAnswer(t.answer, requestId, outputs, rows);
      sendAnswer(res, t.answer, requestId, text);
      t.ok.inc();
      t.duration.observe((performance.now() - started) / 1000);
      record(route, variant, requestId, started, 200, feeds, outputs, false, rows);
      if (route.shadows.length) res.once("finish", () => runShadows(route, form, body, requestId));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof InputError ? 400 : 500;
      metrics.requests.inc({ endpoint, variant: variant.name, status: String(status) });
      // bad input is the client's error, not the model's: it does not count against the variant
      if (status !== 400) {
        metrics.duration.observe({ endpoint, variant: variant.name }, (performance.now() - started) / 1000);
        record(route, variant, requestId, started, status, feeds, null, false, rows, (err as Error).message);
      }
      throw err;
    }
  }

  async function metadata(req: http.IncomingMessage, res: http.ServerResponse, endpoint: string, readyOnly: boolean) {
    const table = deps.table();
    if (!table) throw new HttpError(404, "not_found", `endpoint "${endpoint}" not found`);
    // readiness, inputs, versions and variants of a key-protected endpoint are for its key holders
    const route = await authorizedRoute(req, table, endpoint);
    const hasReplica = (v: Variant) => directory.hasReplica(v.versionId) || (v.placement === "inline" && Boolean(deps.inline?.ready(v.versionId)));
    const ready = route.serving.length > 0 && route.serving.every(hasReplica);
    if (readyOnly) return sendJson(res, ready ? 200 : 503, { name: endpoint, ready });
    const sig = route.serving[0] ? route.signatures.get(route.serving[0].versionId) : undefined;
    const io = (specs: Signature["inputs"] = []) => specs.map((s) => ({ name: s.name, datatype: oipDatatype(s.type), shape: s.shape.map((d) => (typeof d === "number" ? d : -1)) }));
    sendJson(res, 200, {
      name: endpoint,
      versions: route.serving.map((v) => String(v.version)),
      platform: "onnxruntime",
      inputs: io(sig?.inputs),
      outputs: io(sig?.outputs),
      variants: route.all.map((v) => ({ name: v.name, version: v.version, weight: v.weight, role: v.role, device: v.device, ready: hasReplica(v) })),
    });
  }

  return http.createServer(async (req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    try {
      let m: RegExpExecArray | null;
      if (req.method === "POST" && (m = /^\/v2\/models\/([^/]+)\/infer$/.exec(url))) return await infer(req, res, decodeURIComponent(m[1]), "oip");
      if (req.method === "POST" && (m = /^\/v1\/endpoints\/([^/]+)\/predict$/.exec(url))) return await infer(req, res, decodeURIComponent(m[1]), "predict");
      if (req.method === "GET" && (m = /^\/v2\/models\/([^/]+)(\/ready)?$/.exec(url))) return await metadata(req, res, decodeURIComponent(m[1]), Boolean(m[2]));
      if (req.method === "GET" && (url === "/v2/health/live" || url === "/healthz")) {
        const why = deps.notLive?.() ?? null;
        return sendJson(res, why ? 503 : 200, { live: !why, ...(why ? { reason: why } : {}), predictionBuffer: logger.pending, ...deps.health?.() });
      }
      if (req.method === "GET" && url === "/v2/health/ready") return sendJson(res, deps.table() ? 200 : 503, { ready: Boolean(deps.table()) });
      if (req.method === "GET" && url === "/metrics") {
        if (deps.metricsToken && !hasBearer(req, deps.metricsToken)) throw new HttpError(401, "unauthorized", "/metrics needs Authorization: Bearer <GATEWAY_METRICS_TOKEN>", { "www-authenticate": 'Bearer realm="metrics"' });
        const text = await (deps.metricsText ?? (() => metrics.registry.metrics()))();
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        return res.end(text);
      }
      if (req.method === "GET" && url === "/openapi.json") {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(openApi) });
        return res.end(openApi);
      }
      sendError(res, 404, "not_found", `no route ${req.method} ${url}`);
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message, err.headers);
      if (err instanceof InputError) return sendError(res, 400, "bad_request", err.message);
      sendError(res, 500, "internal", (err as Error).message);
    }
  });
}
