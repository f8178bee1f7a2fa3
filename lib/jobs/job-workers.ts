// Runs job definitions on BullMQ: one Worker per queue, and for a scheduled job a BullMQ job
// scheduler, so that however many job-worker processes run, each period's job runs once, in one
// of them. Every process upserts the schedulers (idempotent: the same id keeps its next run) at
// start and again every SCHEDULER_REFRESH_MS, which brings them back after a Redis that lost its data.
import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Logger } from "pino";
import { parsePayload, type JobContext, type JobDefinition } from "./define-job";

export type JobRegistration = {
  job: JobDefinition;
  /** jobs this process runs at once (scheduled jobs: 1) */
  concurrency?: number;
  /** run every this many milliseconds, once across all job workers */
  every?: number;
};

const SCHEDULER_REFRESH_MS = 30_000;

export type JobWorkers = { queue(name: string): Queue; close(): Promise<void> };

export function startJobWorkers(opts: {
  jobs: JobRegistration[];
  connection: ConnectionOptions;
  ctx: JobContext;
  lockMs: number;
  stalledMs: number;
  log: Logger;
}): JobWorkers {
  const { ctx, log } = opts;
  const seen = new Set<string>();
  for (const { job } of opts.jobs) {
    if (seen.has(job.queue)) throw new Error(`queue "${job.queue}" is registered twice: one definition per queue`);
    seen.add(job.queue);
  }

  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  for (const { job: def, concurrency, every } of opts.jobs) {
    const queue = new Queue(def.queue, { connection: opts.connection });
    queue.on("error", (err) => log.warn({ queue: def.queue, err: err.message }, "queue error"));
    queues.set(def.queue, queue);

    const worker = new Worker(
      def.queue,
      async (job: Job, token?: string) => {
        const payload = parsePayload(def, job.data);
        return def.handler(payload, ctx, {
          id: String(job.id),
          attemptsMade: job.attemptsMade,
          delayUntil: async (timestamp) => {
            await job.moveToDelayed(timestamp, token);
            throw new DelayedError(); // tells the worker the job was moved, not finished
          },
        });
      },
      { connection: opts.connection, concurrency: every ? 1 : (concurrency ?? 1), lockDuration: opts.lockMs, stalledInterval: opts.stalledMs },
    );
    worker.on("completed", (job) => log.debug({ queue: def.queue, job: job.id }, "job done"));
    worker.on("failed", (job, err) => {
      log.error({ queue: def.queue, job: job?.id, err: err.message }, "job failed");
      const final = err.name === "UnrecoverableError" || (job && job.attemptsMade >= (job.opts.attempts ?? 1));
      if (job && final && def.onFailed) {
        def.onFailed(ctx, { id: String(job.id), attemptsMade: job.attemptsMade }, err).catch((e) => log.error({ queue: def.queue, job: job.id, err: (e as Error).message }, "after-failure step failed"));
      }
    });
    worker.on("error", (err) => log.warn({ queue: def.queue, err: err.message }, "worker error"));
    workers.push(worker);
  }

  const scheduled = opts.jobs.filter((r) => r.every);
  let upserting = false;
  const upsertSchedulers = async () => {
    if (upserting) return; // while Redis is away the previous upsert is still waiting for it
    upserting = true;
    try {
      for (const { job: def, every } of scheduled) {
        await queues.get(def.queue)!.upsertJobScheduler(def.name, { every: every! }, {
          name: def.name,
          data: { v: def.version },
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
        });
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, "could not upsert job schedulers; retrying");
    } finally {
      upserting = false;
    }
  };
  void upsertSchedulers();
  const refresh = setInterval(() => void upsertSchedulers(), SCHEDULER_REFRESH_MS);
  refresh.unref();

  return {
    queue: (name) => {
      const q = queues.get(name);
      if (!q) throw new Error(`no queue "${name}" is registered`);
      return q;
    },
    async close() {
      clearInterval(refresh);
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
    },
  };
}
