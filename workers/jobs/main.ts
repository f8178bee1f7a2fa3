// Job workers: the deployments queue, the prediction-log ingest consumer, and two loops that
// keep the system converging (queue deployments recorded while Redis was down; re-place
// versions on workers that restarted empty).
import os from "node:os";
import { Queue, Worker } from "bullmq";
import { startJobsServer } from "../../lib/jobs/jobs-server";
import pg from "pg";
import { loadEnv } from "../../lib/env/parse-env";
import { jobsEnv } from "../../lib/env/jobs-env";
import { createDb } from "../../lib/db/client";
import { createLogger } from "../../lib/log";
import { createRedis } from "../../lib/redis";
import { bullConnection, runDeploymentJob } from "../../lib/jobs/queues";
import { failDeployment, runDeployment } from "../../lib/serving/control/deployments/run-deployment";
import { reconcilePending } from "../../lib/serving/control/deployments/reconcile-pending";
import { healPlacements } from "../../lib/serving/control/deployments/heal-placements";
import { IngestConsumer } from "../../lib/serving/data/prediction-log/ingest-consumer";

const env = loadEnv(jobsEnv);
const log = createLogger("jobs", env.LOG_LEVEL);
const db = createDb(env.DATABASE_URL);
const redis = createRedis(env.REDIS_URL);
const streamRedis = createRedis(env.REDIS_URL, { maxRetriesPerRequest: null });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
const deps = { db, redis, log: (m: string, extra?: object) => log.info(extra ?? {}, m), ingestLagMs: env.JOBS_INGEST_LAG_MS };

const deployments = new Worker(
  runDeploymentJob.queue,
  async (job) => {
    const payload = runDeploymentJob.schema.parse(job.data);
    await runDeployment(deps, payload.deploymentId);
  },
  {
    connection: bullConnection(env.REDIS_URL),
    concurrency: env.JOBS_DEPLOYMENT_CONCURRENCY,
    lockDuration: env.JOBS_LOCK_MS,
    stalledInterval: env.JOBS_STALLED_MS,
  },
);
deployments.on("failed", (job, err) => {
  log.error({ job: job?.id, err: err.message }, "deployment job failed");
  if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void failDeployment(deps, String(job.id), err.message).catch(() => {});
});
deployments.on("error", (err) => log.warn({ err: err.message }, "deployments worker error"));

const ingest = new IngestConsumer(streamRedis, pool, {
  consumer: `${os.hostname()}-${process.pid}`,
  claimIdleMs: env.INGEST_CLAIM_IDLE_MS,
  retentionDays: env.PREDICTION_LOG_RETENTION_DAYS,
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
  every(env.JOBS_RECONCILE_MS, () => reconcilePending({ db, redisUrl: env.REDIS_URL })),
  every(env.JOBS_HEAL_MS, () => healPlacements({ db, redis, log: (m) => log.info(m) })),
];
const queue = new Queue(runDeploymentJob.queue, { connection: bullConnection(env.REDIS_URL) });
const server = startJobsServer({ port: env.JOBS_PORT, host: env.JOBS_HOST, queue, ingested: () => ingest.ingested });
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
