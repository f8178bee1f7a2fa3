// workers/inference: one onnxruntime-node process per device.
import os from "node:os";
import { baseFields } from "./base-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { oneOf, port, text, wholeNumber } from "./schema-helpers";
import { CLUSTER_SECRET, clusterSecretOf } from "./cluster-secret";

export const INFERENCE_PORT = port({ default: 9001, description: "inference worker port" });

export const inferenceEnv = defineEnv(
  "inference",
  {
    NODE_ENV: baseFields.NODE_ENV,
    CLUSTER_SECRET,
    REDIS_URL: baseFields.REDIS_URL,
    LOG_LEVEL: baseFields.LOG_LEVEL,
    ARTIFACT_DIR: baseFields.ARTIFACT_DIR,
    INFERENCE_PORT,
    INFERENCE_HOST: text({ default: "127.0.0.1", description: "worker address, announced in its heartbeat" }),
    INFERENCE_DEVICE: oneOf(["cpu", "cuda", "webgpu"], { default: "cpu", description: "`cpu`, `cuda` or `webgpu`" }),
    INFERENCE_GPU_FALLBACK: oneOf(["cpu", "refuse"], { default: "cpu", description: "when the GPU provider is missing: `cpu` (fall back, reason in logs and heartbeat) or `refuse` (exit 3)" }),
    INFERENCE_MAX_QUEUE_ROWS: wholeNumber({ min: 1, unit: "rows", default: 4096, description: "rows waiting past this get 503 (load shedding); the gateway tries another replica" }),
    INFERENCE_INTRA_OP_THREADS: wholeNumber({ min: 0, unit: "threads", default: 1, description: "onnxruntime intra-op threads per session (0: onnxruntime decides)" }),
    INFERENCE_BATCH_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 5000, description: "time limit for one batch of one model version; past it its requests get 504 and the version's session process is killed and replaced (other versions keep serving)" }),
    INFERENCE_SESSION_MAX_MEMORY_MB: wholeNumber({ min: 1, unit: "MiB", default: 2048, description: "resident memory of one model version's session process (checked every 25 ms); past it the process is killed, its requests get 503 `model_memory` and it is replaced (other versions keep serving)" }),
    INFERENCE_LOAD_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 60000, description: "time limit for creating a model version's session (in its own process) when it is loaded" }),
    INFERENCE_WORKER_ID: text({ default: undefined, docDefault: "`<host>-<port>`", description: "worker identity in heartbeats" }),
  },
  (v, problem) => ({ ...v, INFERENCE_WORKER_ID: v.INFERENCE_WORKER_ID ?? `${os.hostname()}-${v.INFERENCE_PORT}`, CLUSTER_SECRET: clusterSecretOf(v.CLUSTER_SECRET, v.NODE_ENV, problem) }),
);
export type InferenceEnv = EnvOf<typeof inferenceEnv>;
