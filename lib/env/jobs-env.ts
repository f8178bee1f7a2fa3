// workers/jobs: BullMQ queues, their schedulers, and the prediction-log ingest consumer.
import { baseFields } from "./base-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { port, text, wholeNumber } from "./schema-helpers";
import { authSecretFields, authSecretOf } from "./auth-secret";
import { CLUSTER_SECRET, clusterSecretOf } from "./cluster-secret";
import { notifyFields } from "./notify-env";
import { NEXTAUTH_URL } from "./web-env";
import { INLINE_MAX_MODEL_MB } from "./gateway-env";

const ms = (dflt: number, description: string, min = 1) => wholeNumber({ min, unit: "milliseconds", default: dflt, description });

export const jobsEnv = defineEnv("jobs", {
  CLUSTER_SECRET,
  DATABASE_URL: baseFields.DATABASE_URL,
  REDIS_URL: baseFields.REDIS_URL,
  LOG_LEVEL: baseFields.LOG_LEVEL,
  ARTIFACT_DIR: baseFields.ARTIFACT_DIR,
  // promotions maintenance checks inline variants against the same limit as the web
  INLINE_MAX_MODEL_MB,
  JOBS_PORT: port({ default: 9464, description: "job workers' `/healthz` and `/metrics` port" }),
  JOBS_HOST: text({ default: "127.0.0.1", description: "job workers' `/healthz` and `/metrics` address" }),
  JOBS_LOCK_MS: ms(30_000, "BullMQ job lock: how soon a crashed job is picked up again"),
  JOBS_STALLED_MS: ms(30_000, "BullMQ stalled-job check period"),
  JOBS_DEPLOYMENT_CONCURRENCY: wholeNumber({ min: 1, unit: "jobs", default: 8, description: "deployments one job-worker process carries out at once" }),
  JOBS_RECONCILE_MS: ms(5_000, "period of the reconciler, which queues deployments recorded while Redis was down (one job worker runs each period)"),
  JOBS_HEAL_MS: ms(5_000, "period of the healer, which re-loads routed versions on inference workers that restarted empty (one job worker runs each period)"),
  JOBS_PROMOTIONS_MS: ms(10_000, "period of promotions maintenance: expire undecided promotions, mark stale those whose evidence changed, start approved ones whose endpoint was busy (one job worker runs each period)"),
  JOBS_ALERTS_MS: ms(15_000, "period of alert evaluation: every enabled alert rule is evaluated against the rollups and reports, incidents opened, fired and resolved (one job worker runs each period)"),
  JOBS_REPORT_CONCURRENCY: wholeNumber({ min: 1, unit: "jobs", default: 1, description: "drift reports one job-worker process computes at once (each in a child process of its own)" }),
  DRIFT_REPORT_TIMEOUT_MS: ms(300_000, "a drift report still computing after this long is stopped and marked failed"),
  DRIFT_REPORT_MAX_MEMORY_MB: wholeNumber({ min: 64, unit: "MiB", default: 2048, description: "resident memory a drift report's child process may use; past it the report is stopped and marked failed" }),
  DRIFT_REPORT_MAX_ROWS: wholeNumber({ min: 1000, unit: "rows", default: 2_000_000, description: "rows of a window a drift report holds; a larger window is read as a seeded uniform sample of this many (the report says so)" }),
  JOBS_INGEST_LAG_MS: ms(1_500, "wait for the prediction log to reach the rollups before judging a canary bake", 0),
  PREDICTION_LOG_RETENTION_DAYS: wholeNumber({ min: 0, unit: "days", default: 30, description: "daily prediction-log partitions older than this are dropped (0 keeps everything); rollups stay" }),
  PREDICTION_LOG_MAINTENANCE_MS: ms(3_600_000, "period of prediction-log maintenance: create the coming days' partitions, drop those past retention, merge the columnar copy's blocks of past hours (one job worker runs each period)"),
  INGEST_LINGER_MS: ms(250, "ingest waits up to this long for a part-full batch to fill before writing it: one transaction of many records costs Postgres far less per record than many small ones (keep it well under JOBS_INGEST_LAG_MS)", 0),
  JOBS_HEAP_GROWTH_PERCENT: wholeNumber({ min: 0, max: 1000, unit: "percent", default: 300, description: "how far the job workers' JavaScript heap may grow past what survived its last full garbage collection before the next (V8's --heap-growing-percent): 0 leaves it to V8, otherwise 10 to 1000. It replaces V8's own, smaller factors, including those it uses to save memory, so the heap can reach about 1 + percent/100 times what is live; cap it with NODE_OPTIONS=--max-old-space-size where memory is tight" }),
  INGEST_CLAIM_IDLE_MS: ms(30_000, "prediction entries pending this long on a dead consumer are claimed again"),
  ARTIFACT_GC_MS: ms(3_600_000, "period of artifact garbage collection, which deletes stored model files no version refers to and temp files of uploads that died (one job worker runs each period)"),
  ARTIFACT_GC_GRACE_MS: ms(86_400_000, "artifact garbage collection deletes only files untouched this long: an upload in progress keeps its file (keep it well above the longest upload)", 0),
  // links in notifications point at the web app
  NEXTAUTH_URL,
  ...notifyFields,
  // jobs refuse a missing, short or default NEXTAUTH_SECRET in production, like the web
  ...authSecretFields,
}, (v, problem) => {
  // a factor under V8's least (1.1) would collect in full almost without pause
  if (v.JOBS_HEAP_GROWTH_PERCENT > 0 && v.JOBS_HEAP_GROWTH_PERCENT < 10) problem(`JOBS_HEAP_GROWTH_PERCENT: expected 0, or a whole number of percent from 10 to 1000, got ${v.JOBS_HEAP_GROWTH_PERCENT}`);
  return { ...v, NEXTAUTH_URL: v.NEXTAUTH_URL ?? "http://localhost:3000", NEXTAUTH_SECRET: authSecretOf(v, problem), CLUSTER_SECRET: clusterSecretOf(v.CLUSTER_SECRET, v.NODE_ENV, problem) };
});
export type JobsEnv = EnvOf<typeof jobsEnv>;
