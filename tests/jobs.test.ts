// Jobs as definitions, on a private Redis with real job-worker processes: a scheduled loop runs once
// per period however many job workers run, and a payload of another version is refused clearly.
import { Queue, UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePayload } from "@/lib/jobs/define-job";
import { runDeploymentJob } from "@/lib/jobs/definitions/run-deployment";
import { reconcileDeploymentsJob } from "@/lib/jobs/definitions/reconcile-deployments";
import { bullConnection } from "@/lib/jobs/queues";
import { freePort, startProcess, startRedis, stopProcess, waitFor, type Proc } from "./helpers/processes";

const PERIOD_MS = 500;
let redis: Awaited<ReturnType<typeof startRedis>>;
const procs: Proc[] = [];

type LogLine = { time: number; msg: string; queue?: string; job?: string };
const lines = (p: Proc): LogLine[] =>
  p.output.join("").split("\n").filter((l) => l.startsWith("{")).map((l) => { try { return JSON.parse(l) as LogLine; } catch { return null; } }).filter((l): l is LogLine => l !== null);

beforeAll(async () => {
  redis = await startRedis();
  for (const name of ["jobs-a", "jobs-b"]) {
    procs.push(startProcess(name, "workers/jobs/main.ts", {
      DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: redis.url, LOG_LEVEL: "debug", JOBS_PORT: String(await freePort()),
      JOBS_RECONCILE_MS: String(PERIOD_MS), JOBS_HEAL_MS: "600000", PREDICTION_LOG_MAINTENANCE_MS: "3600000",
    }));
  }
  await waitFor("both job workers started", async () => procs.every((p) => lines(p).some((l) => l.msg.startsWith("job workers started"))), 60_000, 200)
    .catch((err) => { throw new Error(`${err.message}\n${procs.map((p) => p.output.join("")).join("\n")}`); });
}, 90_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await redis?.stop();
});

describe("job definitions", () => {
  it("runs a scheduled loop once per period across two job-worker processes", async () => {
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 12 * PERIOD_MS));
    const to = Date.now();
    const runs = procs.flatMap((p) => lines(p).filter((l) => l.msg === "job done" && l.queue === reconcileDeploymentsJob.queue && l.time >= from && l.time <= to).map((l) => ({ proc: p.name, job: l.job! })));
    // each period's job has its own id (repeat:<scheduler>:<period start>): no period ran twice
    const slots = runs.map((r) => Number(r.job.split(":").at(-1)));
    expect(new Set(runs.map((r) => r.job)).size, JSON.stringify(runs)).toBe(runs.length);
    const sorted = [...slots].sort((a, b) => a - b);
    expect(sorted.slice(1).every((s, i) => s - sorted[i] >= PERIOD_MS), JSON.stringify(runs)).toBe(true);
    // one run per period in all, not one per process (two processes would make about 24)
    expect(runs.length).toBeGreaterThanOrEqual(6);
    // (the window is what the timer really gave: a loaded machine fires it late, and more periods fit;
    // a run finishing in the window may belong to the period that began just before it, hence + 2)
    expect(runs.length).toBeLessThanOrEqual(Math.floor((to - from) / PERIOD_MS) + 2);
  }, 30_000);

  it("refuses a payload of another version at once, saying which version it got and which it handles", async () => {
    expect(() => parsePayload(runDeploymentJob, { v: 2, deploymentId: "abc" })).toThrow(UnrecoverableError);
    expect(() => parsePayload(runDeploymentJob, { v: 2, deploymentId: "abc" })).toThrow("deployments/run-deployment: refused a payload of version 2; this job worker handles version 1 only");
    expect(() => parsePayload(reconcileDeploymentsJob, {})).toThrow("reconcile-deployments/reconcile-deployments: refused a payload of version (none); this job worker handles version 1 only");
    expect(() => parsePayload(runDeploymentJob, { v: 1, deploymentId: "Not An Id" })).toThrow(/refused a bad payload: deploymentId: /);
    expect(parsePayload(runDeploymentJob, { v: 1, deploymentId: "abc123" })).toEqual({ v: 1, deploymentId: "abc123" });

    const queue = new Queue(runDeploymentJob.queue, { connection: bullConnection(redis.url) });
    try {
      const added = await queue.add(runDeploymentJob.name, { v: 2, deploymentId: "fromthefuture" }, { attempts: 3, backoff: { type: "fixed", delay: 100 } });
      const failed = await waitFor("the job refused", async () => {
        if ((await queue.getJobState(added.id!)) !== "failed") return null;
        return queue.getJob(added.id!); // read after it failed, with its failure recorded
      }, 20_000, 100);
      expect(failed.failedReason).toBe("deployments/run-deployment: refused a payload of version 2; this job worker handles version 1 only");
      expect(failed.attemptsMade).toBe(1); // not retried
      await waitFor("the refusal logged", async () => procs.some((p) => lines(p).some((l) => l.msg === "job failed" && l.job === added.id)), 5_000);
    } finally {
      await queue.close();
    }
  }, 30_000);
});
