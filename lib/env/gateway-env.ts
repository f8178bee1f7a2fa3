// workers/gateway: the data plane's front door.
import os from "node:os";
import { baseFields } from "./base-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { flag, port, text, wholeNumber } from "./schema-helpers";
import { CLUSTER_SECRET, clusterSecretOf } from "./cluster-secret";
import { INLINE_MAX_MODEL_MB_DEFAULT } from "../serving/shared/inline-placement";

export const GATEWAY_PORT = port({ default: 8080, description: "gateway port" });

export const MIN_METRICS_TOKEN_BYTES = 16;

/** Shared by the web (refuses larger inline variants with 400) and the gateway (does not load them). */
export const INLINE_MAX_MODEL_MB = wholeNumber({ min: 0, unit: "MiB", default: INLINE_MAX_MODEL_MB_DEFAULT, description: "largest model file a variant with `placement: \"inline\"` may have: it runs in worker threads of each gateway process, which share the gateway's native memory (and its secrets). The web refuses larger ones (400), promotions maintenance (jobs) judges waiting promotions by it, and a gateway does not load them. Set the same value on all three; `0` turns inline placement off (the compose file does: its gateway has no artifacts volume)" });

export const gatewayEnv = defineEnv("gateway", {
  NODE_ENV: baseFields.NODE_ENV,
  CLUSTER_SECRET,
  DATABASE_URL: baseFields.DATABASE_URL,
  REDIS_URL: baseFields.REDIS_URL,
  LOG_LEVEL: baseFields.LOG_LEVEL,
  GATEWAY_PORT,
  GATEWAY_PROCESSES: wholeNumber({ min: 1, unit: "processes", default: os.availableParallelism(), docDefault: "the machine's cores (`os.availableParallelism()`)", description: "gateway processes on this machine (node:cluster, one port); `1` runs one process and no cluster. Set it to the CPU limit in a container whose CPU quota is below the host's cores" }),
  GATEWAY_HOST: text({ default: "0.0.0.0", description: "gateway listen address" }),
  GATEWAY_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 10_000, description: "per-request timeout towards a worker" }),
  GATEWAY_MAX_BODY_BYTES: wholeNumber({ min: 1, unit: "bytes", default: 4 * 1024 * 1024, docDefault: "`4194304` (4 MiB)", description: "larger request bodies get 413" }),
  GATEWAY_RELOAD_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 5_000, description: "routing-table reload period (pub/sub reloads at once)" }),
  GATEWAY_LOG_PREDICTIONS: flag({ default: true, description: "`0` stops the prediction log (benchmarks only)" }),
  GATEWAY_LOG_FLUSH_MS: wholeNumber({ min: 1, max: 1000, unit: "milliseconds", default: 100, description: "how long prediction records gather in a gateway process before they go to Redis in one pipeline (fewer, fuller stream entries cost less to send and to ingest; a SIGTERM flushes at once)" }),
  GATEWAY_LOG_BUFFER: wholeNumber({ min: 0, unit: "records", default: 200_000, description: "records kept in memory while Redis is away" }),
  GATEWAY_COALESCE: flag({ default: true, description: "`0` sends each request to its worker alone (benchmarks only)" }),
  GATEWAY_KEY_RATE_PER_SECOND: wholeNumber({ min: 0, unit: "requests", default: 1000, description: "requests per endpoint key per second per gateway (each of its `GATEWAY_PROCESSES` processes allows ⌈rate / processes⌉, counted in memory); more get 429 with `Retry-After` (0 turns it off)" }),
  ARTIFACT_DIR: baseFields.ARTIFACT_DIR,
  INLINE_THREADS: wholeNumber({ min: 0, unit: "threads", default: 1, description: "worker threads per gateway process that run variants with `placement: \"inline\"` (each thread holds every inline version); 0 turns inline serving off in this gateway" }),
  INLINE_BATCH_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 5000, description: "time limit for one inline batch; past it its requests get 504 at once, the thread is set aside (terminated when its run returns) and a fresh one takes its place" }),
  INLINE_LOAD_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 30000, description: "time limit for loading an inline version in a thread" }),
  INLINE_MAX_MODEL_MB,
  INLINE_MAX_ABANDONED_THREADS: wholeNumber({ min: 0, unit: "threads", default: 2, description: "threads still stuck in a timed-out run that one gateway process keeps; at the cap, inline versions stop answering here (503, or worker replicas) until one returns" }),
  INLINE_HEAP_MB: wholeNumber({ min: 16, unit: "MiB", default: 256, description: "V8 heap cap of each inline thread (onnxruntime's native memory is bounded by `INLINE_MAX_MODEL_MB` instead)" }),
  INLINE_MAX_QUEUE_ROWS: wholeNumber({ min: 1, unit: "rows", default: 4096, description: "rows waiting for an inline version past this get 503" }),
  GATEWAY_ID: text({ default: undefined, docDefault: "`<host>-<pid>`", description: "gateway identity in its heartbeat (inline versions it has ready)" }),
  GATEWAY_METRICS_TOKEN: text({ secret: true, default: undefined, description: `when set, \`GET /metrics\` needs \`Authorization: Bearer <token>\` (its series name endpoints and variants); **required in production** (${MIN_METRICS_TOKEN_BYTES}+ bytes); unset elsewhere leaves \`/metrics\` open` }),
}, (v, problem) => {
  if (v.NODE_ENV === "production" && Buffer.byteLength(v.GATEWAY_METRICS_TOKEN ?? "") < MIN_METRICS_TOKEN_BYTES) {
    problem(`GATEWAY_METRICS_TOKEN ${v.GATEWAY_METRICS_TOKEN === undefined ? "is not set" : `is shorter than ${MIN_METRICS_TOKEN_BYTES} bytes`}; production (NODE_ENV=production) needs one for /metrics, which names every team's endpoints (e.g. \`openssl rand -base64 24\`)`);
  }
  return { ...v, CLUSTER_SECRET: clusterSecretOf(v.CLUSTER_SECRET, v.NODE_ENV, problem) };
});
export type GatewayEnv = EnvOf<typeof gatewayEnv>;
