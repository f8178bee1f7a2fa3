// Job workers: every BullMQ queue in JOBS below, and the prediction-log ingest consumer (a Redis
// stream consumer group). Scheduled jobs (reconcile, heal, prediction-log maintenance) are BullMQ
// job schedulers: however many job workers run, each period's job runs in one of them.
import os from "node:os";
import pg from "pg";
import { createDb } from "../../lib/db/client";
import { jobsEnv } from "../../lib/env/jobs-env";
import { loadEnv } from "../../lib/env/parse-env";
import { createLogger } from "../../lib/log";
import { createRedis } from "../../lib/redis";
import { bullConnection } from "../../lib/jobs/queues";
import { startJobWorkers, type JobRegistration } from "../../lib/jobs/job-workers";
import { startJobsServer } from "../../lib/jobs/jobs-server";
import { createJobsMetrics } from "../../lib/jobs/jobs-metrics";
import { readIngestBacklog } from "../../lib/serving/data/prediction-log/read-ingest-backlog";
import { runDeploymentJob } from "../../lib/jobs/definitions/run-deployment";
import { reconcileDeploymentsJob } from "../../lib/jobs/definitions/reconcile-deployments";
import { healPlacementsJob } from "../../lib/jobs/definitions/heal-placements";
import { predictionLogMaintenanceJob } from "../../lib/jobs/definitions/prediction-log-maintenance";
import { collectArtifactsJob } from "../../lib/jobs/definitions/collect-artifacts";
import { maintainPromotionsJob } from "../../lib/jobs/definitions/maintain-promotions";
import { sendNotificationJob } from "../../lib/jobs/definitions/send-notification";
import { reconcileNotificationsJob } from "../../lib/jobs/definitions/reconcile-notifications";
import { evaluateAlertsJob } from "../../lib/jobs/definitions/evaluate-alerts";
import { driftReportJob } from "../../lib/jobs/definitions/drift-report";
import { scheduledDriftReportJob } from "../../lib/jobs/definitions/scheduled-drift-report";
import { syncDriftSchedulesJob } from "../../lib/jobs/definitions/sync-drift-schedules";
import { lastDriftShares } from "../../lib/monitoring/drift/read-drift-reports";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { IngestConsumer } from "../../lib/serving/data/prediction-log/ingest-consumer";
import { REDIS_KEYS } from "../../lib/redis-keys";
import { setHeapGrowth } from "../../lib/proc/heap-growth";

const env = loadEnv(jobsEnv);
setHeapGrowth(env.JOBS_HEAP_GROWTH_PERCENT);
const log = createLogger("jobs", env.LOG_LEVEL);
const db = createDb(env.DATABASE_URL);
const redis = createRedis(env.REDIS_URL);
const streamRedis = createRedis(env.REDIS_URL, { maxRetriesPerRequest: null });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });

/** Every queue this process works on, with its concurrency or its period. */
const JOBS: JobRegistration[] = [
  { job: runDeploymentJob, concurrency: env.JOBS_DEPLOYMENT_CONCURRENCY },
  { job: reconcileDeploymentsJob, every: env.JOBS_RECONCILE_MS },
  { job: healPlacementsJob, every: env.JOBS_HEAL_MS },
  { job: predictionLogMaintenanceJob, every: env.PREDICTION_LOG_MAINTENANCE_MS },
  { job: collectArtifactsJob, every: env.ARTIFACT_GC_MS },
  { job: maintainPromotionsJob, every: env.JOBS_PROMOTIONS_MS },
  // sends wait on receivers (up to 10 s each), not on this process: many at once
  { job: sendNotificationJob, concurrency: 16 },
  { job: reconcileNotificationsJob, every: env.JOBS_RECONCILE_MS },
  { job: evaluateAlertsJob, every: env.JOBS_ALERTS_MS },
  // each report computes in a child process of its own (DRIFT_REPORT_* limits)
  { job: driftReportJob, concurrency: env.JOBS_REPORT_CONCURRENCY },
  { job: scheduledDriftReportJob, concurrency: 1 },
  { job: syncDriftSchedulesJob, every: env.JOBS_RECONCILE_MS },
];

// it reads the workers, ingest and Postgres only when scraped
const metrics = createJobsMetrics({
  queues: () => JOBS.map((j) => workers.queue(j.job.queue)),
  ingested: () => ingest.ingested,
  deadLettered: () => ingest.deadLettered,
  deadLetterLength: () => redis.xlen(REDIS_KEYS.deadLetterStream),
  ingestBacklog: () => readIngestBacklog({ redis }),
  driftShares: () => lastDriftShares(db),
});

const workers = startJobWorkers({
  jobs: JOBS,
  connection: bullConnection(env.REDIS_URL),
  lockMs: env.JOBS_LOCK_MS,
  stalledMs: env.JOBS_STALLED_MS,
  log,
  ctx: {
    db,
    redis,
    pool,
    redisUrl: env.REDIS_URL,
    log: (m, extra) => log.info(extra ?? {}, m),
    settings: { ingestLagMs: env.JOBS_INGEST_LAG_MS, predictionLogRetentionDays: env.PREDICTION_LOG_RETENTION_DAYS, clusterSecret: env.CLUSTER_SECRET, inlineMaxModelMb: env.INLINE_MAX_MODEL_MB },
    artifacts: { store: new LocalArtifactStore(env.ARTIFACT_DIR), graceMs: env.ARTIFACT_GC_GRACE_MS },
    reports: { databaseUrl: env.DATABASE_URL, artifactDir: env.ARTIFACT_DIR, timeoutMs: env.DRIFT_REPORT_TIMEOUT_MS, maxMemoryMb: env.DRIFT_REPORT_MAX_MEMORY_MB, maxRows: env.DRIFT_REPORT_MAX_ROWS },
    notify: { secretKey: env.NEXTAUTH_SECRET, allowPrivateNetworks: env.NOTIFY_ALLOW_PRIVATE_NETWORKS, backoffBaseMs: env.NOTIFY_BACKOFF_BASE_MS, appUrl: env.NEXTAUTH_URL },
  },
});

const ingest = new IngestConsumer(streamRedis, pool, {
  consumer: `${os.hostname()}-${process.pid}`,
  claimIdleMs: env.INGEST_CLAIM_IDLE_MS,
  lingerMs: env.INGEST_LINGER_MS,
  onError: (err) => log.warn({ err: err.message }, "ingest error; retrying"),
  // the record itself (a client's inputs) is not logged: it is in the dead-letter stream
  onDeadLetter: (d) => log.warn({ source: d.source, endpointId: d.endpointId, variant: d.variant, requestId: d.requestId, reason: d.reason }, "prediction record dead-lettered"),
});
ingest.start();

const server = startJobsServer({ port: env.JOBS_PORT, host: env.JOBS_HOST, registry: metrics.registry, ingested: () => ingest.ingested });
log.info({ queues: JOBS.map((j) => j.job.queue) }, "job workers started: queues and the ingest consumer");

const stop = async () => {
  server.close();
  await Promise.allSettled([workers.close(), ingest.stop()]);
  streamRedis.disconnect();
  redis.disconnect();
  await pool.end();
  await db.$disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
