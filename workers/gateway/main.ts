// Gateway: the data plane's front door on GATEWAY_PORT (8080). Never waits on Postgres per request.
import { REDIS_KEYS } from "../../lib/redis-keys";
import { loadEnv } from "../../lib/env/parse-env";
import { gatewayEnv } from "../../lib/env/gateway-env";
import { createDb } from "../../lib/db/client";
import { createLogger } from "../../lib/log";
import { createRedis } from "../../lib/redis";
import os from "node:os";
import { createGateway, createGatewayMetrics } from "../../lib/serving/data/gateway/gateway";
import { startInline } from "../../lib/serving/data/inline/start-inline";
import { loadInlineWants } from "../../lib/serving/data/inline/load-inline-wants";
import { publishGatewayHeartbeat, removeGateway } from "../../lib/serving/shared/gateway-registry";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { Forwarder } from "../../lib/serving/data/gateway/forwarder";
import { loadRoutingTable, type EndpointRoute } from "../../lib/serving/data/gateway/routing-table";
import { WorkerDirectory } from "../../lib/serving/data/gateway/worker-directory";
import { PredictionLogger } from "../../lib/serving/data/prediction-log/prediction-logger";

const env = loadEnv(gatewayEnv);
const log = createLogger("gateway", env.LOG_LEVEL);
const port = env.GATEWAY_PORT;
const db = createDb(env.DATABASE_URL);
const redis = createRedis(env.REDIS_URL);
const subscriber = createRedis(env.REDIS_URL, { maxRetriesPerRequest: null });
const directory = new WorkerDirectory(redis, env.CLUSTER_SECRET);
const logger = new PredictionLogger(redis, {
  enabled: env.GATEWAY_LOG_PREDICTIONS,
  maxBuffer: env.GATEWAY_LOG_BUFFER,
  perEntry: 64,
  flushMs: 20,
  onError: (err) => log.warn({ err: err.message }, "prediction log: Redis unavailable, buffering"),
});

const metrics = createGatewayMetrics(directory, logger);
const gatewayId = env.GATEWAY_ID ?? `${os.hostname()}-${process.pid}`;
const store = new LocalArtifactStore(env.ARTIFACT_DIR);
const inline = startInline({
  threads: env.INLINE_THREADS, batchTimeoutMs: env.INLINE_BATCH_TIMEOUT_MS, loadTimeoutMs: env.INLINE_LOAD_TIMEOUT_MS, maxModelMb: env.INLINE_MAX_MODEL_MB,
  maxAbandoned: env.INLINE_MAX_ABANDONED_THREADS, heapMb: env.INLINE_HEAP_MB, maxQueuedRows: env.INLINE_MAX_QUEUE_ROWS,
  fileOf: (sha256) => store.localPath(sha256),
  log: (msg, extra) => log.info(extra ?? {}, msg),
}, metrics.registry);
// the heartbeat says which inline versions are ready here: a deployment to an inline variant waits for it
const heartbeat = () => publishGatewayHeartbeat(redis, inline.heartbeat(gatewayId), env.CLUSTER_SECRET).catch((err) => log.debug({ err: err.message }, "gateway heartbeat failed"));

let table: Map<string, EndpointRoute> | null = null;
let reloading: Promise<void> | null = null;
const reload = () =>
  (reloading ??= (async () => {
    try {
      const [next, wants] = await Promise.all([loadRoutingTable(db), loadInlineWants(db)]);
      inline.host.sync(wants);
      // see the workers that were just loaded before the new routing can send traffic to them
      await directory.refresh().catch(() => {});
      table = next;
    } catch (err) {
      log.warn({ err: (err as Error).message }, "routing reload failed; keeping the last good table");
    } finally {
      reloading = null;
    }
  })());

await reload();
await directory.refresh().catch((err) => log.warn({ err: err.message }, "worker list unavailable"));
setInterval(() => void reload(), env.GATEWAY_RELOAD_MS).unref();
setInterval(() => void directory.refresh().catch(() => {}), 1_000).unref();
setInterval(() => void heartbeat(), 1_000).unref();
subscriber.subscribe(REDIS_KEYS.routingChannel).catch(() => {});
subscriber.on("message", () => void reload());
// after a Redis outage the subscription is restored by ioredis; reload in case we missed news
subscriber.on("ready", () => void reload());

const server = createGateway({
  table: () => table,
  directory,
  forwarder: new Forwarder({ timeoutMs: env.GATEWAY_TIMEOUT_MS, coalesce: env.GATEWAY_COALESCE, secret: env.CLUSTER_SECRET }),
  logger,
  maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES,
  keyRatePerSecond: env.GATEWAY_KEY_RATE_PER_SECOND,
  metricsToken: env.GATEWAY_METRICS_TOKEN,
  onShadowError: (err) => log.debug({ err: err.message }, "shadow request failed"),
  inline: inline.host,
}, metrics);
server.keepAliveTimeout = 65_000;
server.listen(port, env.GATEWAY_HOST, () => log.info({ port }, "gateway listening"));

const stop = async () => {
  server.close();
  await logger.flush().catch(() => {});
  await removeGateway(redis, gatewayId).catch(() => {});
  const stuck = inline.busy();
  inline.close();
  // a thread stuck in a native run would abort the process on a normal exit (see inline-thread-handle.ts)
  if (stuck) process.kill(process.pid, "SIGKILL");
  subscriber.disconnect();
  redis.disconnect();
  await db.$disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
