// Job workers: the deployments queue, the prediction-log ingest consumer, and two loops that
// keep the system converging (queue deployments recorded while Redis was down; re-place
// versions on workers that restarted empty).
import os from "node:os";
import { Queue, Worker } from "bullmq";
import { startJobsServer } from "../../lib/jobs/jobs-server";
import pg from "pg";
import { loadConfig } from "../../lib/config";
import { createDb } from "../../lib/db/client";
import { createLogger } from "../../lib/log";
import { createRedis } from "../../lib/redis";
import { bullConnection, runDeploymentJob } from "../../lib/jobs/queues";
import { failDeployment, runDeployment } from "../../lib/serving/control/deployments/run-deployment";
import { reconcilePending } from "../../lib/serving/control/deployments/reconcile-pending";
import { healPlacements } from "../../lib/serving/control/deployments/heal-placements";
import { IngestConsumer } from "../../lib/serving/data/prediction-log/ingest-consumer";

const config = loadConfig();
const log = createLogger("jobs", config.logLevel);
const db = createDb(config.databaseUrl);
const redis = createRedis(config.redisUrl);
const streamRedis = createRedis(config.redisUrl, { maxRetriesPerRequest: null });
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
const deps = { db, redis, log: (m: string, extra?: object) => log.info(extra ?? {}, m), ingestLagMs: Number(process.env.JOBS_INGEST_LAG_MS ?? 1_500) };

const deployments = new Worker(
  runDeploymentJob.queue,
  async (job) => {
    const payload = runDeploymentJob.schema.parse(job.data);
    await runDeployment(deps, payload.deploymentId);
  },
  {
    connection: bullConnection(config.redisUrl),
    concurrency: 8,
    lockDuration: Number(process.env.JOBS_LOCK_MS ?? 30_000),
    stalledInterval: Number(process.env.JOBS_STALLED_MS ?? 30_000),
  },
);
deployments.on("failed", (job, err) => {
  log.error({ job: job?.id, err: err.message }, "deployment job failed");
  if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void failDeployment(deps, String(job.id), err.message).catch(() => {});
});
deployments.on("error", (err) => log.warn({ err: err.message }, "deployments worker error"));

const ingest = new IngestConsumer(streamRedis, pool, {
  consumer: `${os.hostname()}-${process.pid}`,
  claimIdleMs: Number(process.env.INGEST_CLAIM_IDLE_MS ?? 30_000),
  retentionDays: Number(process.env.PREDICTION_LOG_RETENTION_DAYS ?? 30),
  onError: (err) => log.warn({ err: err.message }, "ingest error; retrying"),
});
ingest.start();

const every = (ms: number, fn: () => Promise<unknown>) => {
  let busy = false;
  return setInterval(async () => {
    if (busy) return;
    busy = true;
    try { await fn(); } catch (err) { log.warn({ err: (err as Error).message }, "background loop error"); } finally { busy = false; }
  }, ms);
};
const timers = [
  every(Number(process.env.JOBS_RECONCILE_MS ?? 5_000), () => reconcilePending({ db, redisUrl: config.redisUrl })),
  every(Number(process.env.JOBS_HEAL_MS ?? 5_000), () => healPlacements({ db, redis, log: (m) => log.info(m) })),
];
const queue = new Queue(runDeploymentJob.queue, { connection: bullConnection(config.redisUrl) });
const server = startJobsServer({ port: Number(process.env.JOBS_PORT ?? 9464), host: process.env.JOBS_HOST ?? "127.0.0.1", queue, ingested: () => ingest.ingested });
log.info("job workers started: deployments, ingest, reconcile, heal");

const stop = async () => {
  timers.forEach(clearInterval);
  server.close();
  await queue.close().catch(() => {});
  await Promise.allSettled([deployments.close(), ingest.stop()]);
  streamRedis.disconnect();
  redis.disconnect();
  await pool.end();
  await db.$disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
