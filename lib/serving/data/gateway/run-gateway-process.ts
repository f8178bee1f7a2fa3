// One gateway process: its own routing table (from Postgres, reloaded on the Redis pub/sub message
// and every GATEWAY_RELOAD_MS), its own worker directory (Redis heartbeats), its own prediction
// logger, and the HTTP server. A clustered gateway runs one of these per process (run-gateway-cluster.ts).
import type { Logger } from "pino";
import type { GatewayEnv } from "../../../env/gateway-env";
import { REDIS_KEYS } from "../../../redis-keys";
import { createDb } from "../../../db/client";
import { createRedis } from "../../../redis";
import { createGateway, createGatewayMetrics } from "./gateway";
import { Forwarder } from "./forwarder";
import { loadRoutingTable, type EndpointRoute } from "./routing-table";
import { WorkerDirectory } from "./worker-directory";
import { PredictionLogger } from "../prediction-log/prediction-logger";
import { samplingKeyOf } from "../prediction-log/sample-inputs";
import { shareProcessMetrics } from "./share-process-metrics";
import { splitKeyRate } from "./split-key-rate";
import { CLOSE_GRACE_MS, FLUSH_GRACE_MS } from "./shutdown-grace";
import os from "node:os";
import { startInline } from "../inline/start-inline";
import { InFlight } from "./in-flight";
import { loadInlineWants } from "../inline/load-inline-wants";
import { publishGatewayHeartbeat, removeGateway } from "../../shared/gateway-registry";
import { LocalArtifactStore } from "../../../storage/artifact-store";

const REDIS_COMMAND_TIMEOUT_MS = 5_000;

export async function runGatewayProcess(env: GatewayEnv, log: Logger, opts: { clustered: boolean }): Promise<void> {
  // Until the server is up, a stop (SIGTERM, or inline threads exhausted while versions load) is kept and
  // carried out as soon as the real stop below is in place.
  let stopAsked: number | null = null;
  let stop = async (code = 0): Promise<void> => void (stopAsked ??= code);
  process.on("SIGTERM", () => void stop()).on("SIGINT", () => void stop());
  // the routing table and inline wants, read together every GATEWAY_RELOAD_MS: two connections a process,
  // so a gateway on many cores does not hold ten Postgres connections per core
  const db = createDb(env.DATABASE_URL, { max: 2 });
  // no blocking commands on this client: a silently dead connection must not hold the routing reload or
  // the prediction log's flush for good (each retries)
  const redis = createRedis(env.REDIS_URL, { commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS });
  const subscriber = createRedis(env.REDIS_URL, { maxRetriesPerRequest: null });
  const directory = new WorkerDirectory(redis, env.CLUSTER_SECRET);
  const logger = new PredictionLogger(redis, {
    enabled: env.GATEWAY_LOG_PREDICTIONS,
    maxBuffer: env.GATEWAY_LOG_BUFFER,
    perEntry: 64,
    flushMs: env.GATEWAY_LOG_FLUSH_MS,
    onError: (err) => log.warn({ err: err.message }, "prediction log: Redis unavailable, buffering"),
  });

  const metrics = createGatewayMetrics(directory, logger);
  // each process is a gateway of its own in the heartbeats (its own inline threads and versions)
  const gatewayId = env.GATEWAY_ID ? (opts.clustered ? `${env.GATEWAY_ID}-${process.pid}` : env.GATEWAY_ID) : `${os.hostname()}-${process.pid}`;
  const store = new LocalArtifactStore(env.ARTIFACT_DIR);
  const inline = startInline({
    threads: env.INLINE_THREADS, batchTimeoutMs: env.INLINE_BATCH_TIMEOUT_MS, loadTimeoutMs: env.INLINE_LOAD_TIMEOUT_MS, maxModelMb: env.INLINE_MAX_MODEL_MB,
    maxAbandoned: env.INLINE_MAX_ABANDONED_THREADS, heapMb: env.INLINE_HEAP_MB, maxQueuedRows: env.INLINE_MAX_QUEUE_ROWS,
    fileOf: (sha256) => store.localPath(sha256),
    log: (msg, extra) => log.info(extra ?? {}, msg),
    // A stuck native run cannot be stopped, only its process: in a cluster this process stops (its
    // requests finish, its log is flushed) and the primary starts a fresh one, which listens once its
    // inline versions are loaded; the other processes serve meanwhile. A lone process has no primary
    // to restart it: it goes on serving worker-placed variants (inline ones answer 503) and fails its
    // liveness check, so that its supervisor restarts it.
    onExhausted: (detail) => {
      log.error({ detail }, opts.clustered ? "inline threads exhausted; this gateway process stops and the primary starts another" : "inline threads exhausted; inline variants answer 503 and liveness fails until this gateway is restarted");
      if (opts.clustered) void stop(1);
    },
  }, metrics.registry);
  // the heartbeat says which inline versions are ready here: a deployment to an inline variant waits for it
  const heartbeat = () => publishGatewayHeartbeat(redis, inline.heartbeat(gatewayId), env.CLUSTER_SECRET).catch((err) => log.debug({ err: err.message }, "gateway heartbeat failed"));

  let table: Map<string, EndpointRoute> | null = null;
  let reloading: Promise<void> | null = null;
  const reload = () =>
    (reloading ??= (async () => {
      try {
        const next = await loadRoutingTable(db);
        const wants = await loadInlineWants(db, [...next.values()].flatMap((e) => e.all));
        inline.host.sync(wants);
        // see the workers that were just loaded before the new routing can send traffic to them (said
        // once, at start, when the list cannot be read; the 1 s refresh below keeps trying quietly)
        await directory.refresh().catch((err: Error) => { if (!table) log.warn({ err: err.message }, "worker list unavailable"); });
        table = next;
      } catch (err) {
        log.warn({ err: (err as Error).message }, "routing reload failed; keeping the last good table");
      } finally {
        reloading = null;
      }
    })());

  await reload();
  // In a cluster the primary hands connections to a process as soon as it listens, so a process started
  // or restarted while the others serve listens only once it can serve its inline variants (or after
  // INLINE_LOAD_TIMEOUT_MS). A lone process listens at once: its /healthz must answer a liveness probe.
  if (opts.clustered) await inline.host.settled(env.INLINE_LOAD_TIMEOUT_MS);
  const timers = [setInterval(() => void reload(), env.GATEWAY_RELOAD_MS), setInterval(() => void directory.refresh().catch(() => {}), 1_000), setInterval(() => void heartbeat(), 1_000)];
  for (const t of timers) t.unref();
  subscriber.subscribe(REDIS_KEYS.routingChannel).catch(() => {});
  subscriber.on("message", () => void reload());
  // after a Redis outage the subscription is restored by ioredis; reload in case we missed news
  subscriber.on("ready", () => void reload());

  const shadows = new InFlight();
  const server = createGateway({
    table: () => table,
    directory,
    forwarder: new Forwarder({ timeoutMs: env.GATEWAY_TIMEOUT_MS, coalesce: env.GATEWAY_COALESCE, secret: env.CLUSTER_SECRET }),
    logger,
    maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES,
    keyRatePerSecond: splitKeyRate(env.GATEWAY_KEY_RATE_PER_SECOND, opts.clustered ? env.GATEWAY_PROCESSES : 1),
    metricsToken: env.GATEWAY_METRICS_TOKEN,
    metricsText: opts.clustered ? shareProcessMetrics(metrics.registry) : undefined,
    health: () => ({ processes: opts.clustered ? env.GATEWAY_PROCESSES : 1, pid: process.pid }),
    shadows,
    notLive: () => (!opts.clustered && inline.exhausted() ? "inline threads exhausted (every one stuck in a run past its limit): restart this gateway" : null),
    onShadowError: (err) => log.debug({ err: err.message }, "shadow request failed"),
    samplingKey: samplingKeyOf(env.CLUSTER_SECRET),
    inline: inline.host,
  }, metrics);
  server.keepAliveTimeout = 65_000;
  server.listen(env.GATEWAY_PORT, env.GATEWAY_HOST, () => log.info({ port: env.GATEWAY_PORT }, "gateway listening"));

  let stopping: Promise<void> | null = null;
  stop = (code = 0) =>
    (stopping ??= (async () => {
      // no new connections; requests under way finish (and log) before the last flush
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const late = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(late);
      // shadow copies run on after their request's answer: their records go in the last flush too
      await shadows.settled(CLOSE_GRACE_MS);
      const lost = await drainPredictionLog(logger, FLUSH_GRACE_MS);
      if (lost) log.error({ records: lost }, "prediction log: Redis stayed away at shutdown; records lost");
      for (const t of timers) clearInterval(t);
      await removeGateway(redis, gatewayId).catch(() => {});
      const stuck = inline.busy();
      inline.close();
      // a thread stuck in a native run would abort the process on a normal exit (see inline-thread-handle.ts)
      if (stuck) process.kill(process.pid, "SIGKILL");
      subscriber.disconnect();
      redis.disconnect();
      await db.$disconnect().catch(() => {});
      process.exit(code);
    })());
  if (stopAsked !== null) void stop(stopAsked);
}

/** Sends what the logger holds, retrying while Redis is away, for up to `graceMs`; returns what is left. */
async function drainPredictionLog(logger: PredictionLogger, graceMs: number): Promise<number> {
  const until = Date.now() + graceMs;
  while (logger.pending && Date.now() < until) {
    await logger.flush();
    // a flush already under way, or one that failed, returns with records left
    if (logger.pending) await new Promise((r) => setTimeout(r, 200));
  }
  return logger.pending;
}
