// Inference worker: loads model versions with onnxruntime-node on one device (each version in its
// own session process, with time limits), batches requests dynamically, and heartbeats to Redis. Config from the environment (lib/env/inference-env.ts).
import { loadEnv } from "../../lib/env/parse-env";
import { inferenceEnv } from "../../lib/env/inference-env";
import { createLogger } from "../../lib/log";
import { createRedis } from "../../lib/redis";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { chooseDevice, DeviceUnavailable } from "../../lib/serving/data/inference/providers";
import { ModelHost } from "../../lib/serving/data/inference/model-host";
import { createInferenceMetrics, createInferenceServer } from "../../lib/serving/data/inference/server";
import { publishHeartbeat, removeWorker, type WorkerInfo } from "../../lib/serving/shared/worker-registry";

const env = loadEnv(inferenceEnv);
const log = createLogger("inference", env.LOG_LEVEL);
const port = env.INFERENCE_PORT;
const host = env.INFERENCE_HOST;
const requested = env.INFERENCE_DEVICE;
const fallback = env.INFERENCE_GPU_FALLBACK;
const capacity = env.INFERENCE_MAX_QUEUE_ROWS;
const id = env.INFERENCE_WORKER_ID;

let choice;
try {
  choice = await chooseDevice(requested, fallback);
} catch (err) {
  if (err instanceof DeviceUnavailable) {
    log.fatal({ requested }, `${err.message}; refusing to start (INFERENCE_GPU_FALLBACK=refuse)`);
    process.exit(3);
  }
  throw err;
}
if (choice.fallbackReason) log.warn({ requested, device: choice.device }, `${choice.fallbackReason}; falling back to cpu`);

const metrics = createInferenceMetrics();
const models = new ModelHost(new LocalArtifactStore(env.ARTIFACT_DIR), choice.providers, {
  maxQueuedRows: capacity,
  intraOpThreads: env.INFERENCE_INTRA_OP_THREADS,
  batchTimeoutMs: env.INFERENCE_BATCH_TIMEOUT_MS,
  loadTimeoutMs: env.INFERENCE_LOAD_TIMEOUT_MS,
  maxMemoryMb: env.INFERENCE_SESSION_MAX_MEMORY_MB,
  onRestart: (version, reason) => log.warn({ version, reason }, "model version's session process replaced"),
  observe: (version) => (rows, _requests, seconds) => {
    metrics.batchRows.observe({ version }, rows);
    metrics.batchSeconds.observe({ version }, seconds);
  },
});
const redis = createRedis(env.REDIS_URL);
const startedAt = Date.now();
const info = (): WorkerInfo => ({
  id, url: `http://${host}:${port}`, requestedDevice: requested, device: choice.device, fallbackReason: choice.fallbackReason,
  loaded: models.list(), queueDepth: models.queueDepth(), capacity, startedAt, at: Date.now(),
});
metrics.lastHeartbeat.set(startedAt / 1000);
const beat = () =>
  publishHeartbeat(redis, info(), env.CLUSTER_SECRET).then(
    () => metrics.lastHeartbeat.set(Date.now() / 1000),
    (err) => log.warn({ err: err.message }, "heartbeat failed"),
  );

const server = createInferenceServer(models, metrics, info, beat, { workerId: id, secret: env.CLUSTER_SECRET });
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => log.info({ port, device: choice.device, id }, "inference worker listening"));
const timer = setInterval(beat, 2_000);
void beat();

const stop = async () => {
  clearInterval(timer);
  server.close();
  models.close();
  await removeWorker(redis, id).catch(() => {});
  redis.disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
