// A job is a definition: its queue, its name, a payload schema that carries the payload's version
// `v`, and a thin handler that calls lib/. workers/jobs/main.ts registers every definition from one
// list; producers import the definition to build payloads (lib/jobs/enqueue-deployment.ts).
import { UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import type { Pool } from "pg";
import { z } from "zod";
import type { Db } from "../db/client";
import type { ArtifactStore } from "../storage/artifact-store";
import type { NotifySettings } from "../notifications/notify-settings";
import type { DriftReportSettings } from "../monitoring/drift/report-limits";

/** What a handler may use: the job worker's clients and settings (from jobsEnv). */
export type JobContext = {
  db: Db;
  redis: Redis;
  pool: Pool;
  redisUrl: string;
  log: (msg: string, extra?: object) => void;
  /** `inlineMaxModelMb`: INLINE_MAX_MODEL_MB, which promotions maintenance judges inline variants by, as the web does */
  settings: { ingestLagMs: number; predictionLogRetentionDays: number; clusterSecret: string; inlineMaxModelMb: number };
  /** outbound notifications (lib/notifications) */
  notify: NotifySettings;
  /** the artifact store and the garbage collector's grace period */
  artifacts: { store: ArtifactStore; graceMs: number };
  /** drift reports: where their child process reads from, and its limits (absent: this process computes no reports) */
  reports?: DriftReportSettings;
};

export type JobInfo = {
  id: string;
  attemptsMade: number;
  /**
   * Puts this job back, delayed until `timestamp` (ms), without counting a failed attempt: the job
   * runs again then, also after a job-worker restart (the delay is in Redis). Call it as
   * `return job.delayUntil(t)`; it never returns (it ends this run).
   */
  delayUntil?(timestamp: number): Promise<never>;
};

/** A payload schema: an object whose `v` is the payload version, as a literal. */
export type PayloadSchema = z.ZodObject<{ v: z.ZodLiteral<number> }>;

export type JobDefinition<S extends PayloadSchema = PayloadSchema> = {
  /** the BullMQ queue; one definition per queue */
  queue: string;
  /** the job name (and, for scheduled jobs, the job scheduler's id) */
  name: string;
  /** the payload version this worker handles; the schema's `v` is this literal */
  version: number;
  schema: S;
  handler(payload: z.output<S>, ctx: JobContext, job: JobInfo): Promise<unknown>;
  /** after the last attempt failed, or the payload was refused */
  onFailed?(ctx: JobContext, job: JobInfo, error: Error): Promise<void>;
};

// Queue names, job names and scheduler ids become parts of Redis keys and job ids: no ":".
const ID = /^[a-z][a-z0-9-]*$/;

export function defineJob<S extends PayloadSchema>(def: JobDefinition<S>): JobDefinition<S> {
  for (const [what, id] of [["queue", def.queue], ["name", def.name]] as const) {
    if (!ID.test(id)) throw new Error(`job ${what} "${id}": use lower-case letters, digits and "-" (no ":")`);
  }
  if (!def.schema.shape.v.values.has(def.version)) throw new Error(`job ${def.queue}/${def.name}: the payload schema's v must be z.literal(${def.version})`);
  return def;
}

/** The payload, checked. A payload of another version, or one that does not parse, is refused for good (no retries). */
export function parsePayload<S extends PayloadSchema>(def: JobDefinition<S>, data: unknown): z.output<S> {
  const v = typeof data === "object" && data !== null ? (data as { v?: unknown }).v : undefined;
  if (v !== def.version) {
    throw new UnrecoverableError(`${def.queue}/${def.name}: refused a payload of version ${v === undefined ? "(none)" : JSON.stringify(v)}; this job worker handles version ${def.version} only`);
  }
  const r = def.schema.safeParse(data);
  if (!r.success) {
    throw new UnrecoverableError(`${def.queue}/${def.name}: refused a bad payload: ${r.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}
