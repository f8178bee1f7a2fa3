// Inference worker: loads model versions with onnxruntime-node on one device, batches requests
// dynamically, and heartbeats to Redis. Config from the environment (README, configuration).
import os from "node:os";
import { loadConfig } from "../../lib/config";
import { createLogger } from "../../lib/log";
import { createRedis } from "../../lib/redis";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { chooseDevice, DeviceUnavailable } from "../../lib/serving/data/inference/providers";
import { ModelHost } from "../../lib/serving/data/inference/model-host";
import { createInferenceMetrics, createInferenceServer } from "../../lib/serving/data/inference/server";
import { publishHeartbeat, removeWorker, type WorkerInfo } from "../../lib/serving/shared/worker-registry";

const config = loadConfig();
const log = createLogger("inference", config.logLevel);
const port = Number(process.env.INFERENCE_PORT ?? 9001);
const host = process.env.INFERENCE_HOST ?? "127.0.0.1";
const requested = process.env.INFERENCE_DEVICE ?? "cpu";
const fallback = process.env.INFERENCE_GPU_FALLBACK === "refuse" ? "refuse" : "cpu";
const capacity = Number(process.env.INFERENCE_MAX_QUEUE_ROWS ?? 4096);
const id = process.env.INFERENCE_WORKER_ID ?? `${os.hostname()}-${port}`;

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
const models = new ModelHost(new LocalArtifactStore(config.artifactDir), choice.providers, {
  maxQueuedRows: capacity,
  intraOpThreads: Number(process.env.INFERENCE_INTRA_OP_THREADS ?? 1),
  observe: (version) => (rows, _requests, seconds) => {
    metrics.batchRows.observe({ version }, rows);
    metrics.batchSeconds.observe({ version }, seconds);
  },
});
const redis = createRedis(config.redisUrl);
const startedAt = Date.now();
const info = (): WorkerInfo => ({
  id, url: `http://${host}:${port}`, requestedDevice: requested, device: choice.device, fallbackReason: choice.fallbackReason,
  loaded: models.list(), queueDepth: models.queueDepth(), capacity, startedAt, at: Date.now(),
});
const beat = () => publishHeartbeat(redis, info()).catch((err) => log.warn({ err: err.message }, "heartbeat failed"));

const server = createInferenceServer(models, metrics, info, beat);
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => log.info({ port, device: choice.device, id }, "inference worker listening"));
const timer = setInterval(beat, 2_000);
void beat();

const stop = async () => {
  clearInterval(timer);
  server.close();
  await removeWorker(redis, id).catch(() => {});
  redis.disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
