// Drift reports end to end on real Postgres, Redis, BullMQ and a real child process: a version pushed
// with reference data (German credit), predictions logged through the real write path, a report
// requested through the API and computed by a job worker, answered with the statistics of
// computeDrift on the same rows. Also: an empty window, a version without reference data, bad
// windows, a time limit, schedules as BullMQ job schedulers, the alert metric, and team isolation.
import { INLINE_MAX_MODEL_MB_DEFAULT } from "@/lib/serving/shared/inline-placement";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as reports from "@/app/api/v1/endpoints/[endpoint]/drift-reports/route";
import * as oneReport from "@/app/api/v1/drift-reports/[id]/route";
import * as settingsRoute from "@/app/api/v1/endpoints/[endpoint]/drift-settings/route";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { startJobWorkers, type JobWorkers } from "@/lib/jobs/job-workers";
import { bullConnection } from "@/lib/jobs/queues";
import { driftReportJob } from "@/lib/jobs/definitions/drift-report";
import { scheduledDriftReportJob } from "@/lib/jobs/definitions/scheduled-drift-report";
import { closeProducerQueues } from "@/lib/jobs/producer-queues";
import { createScheduledReport, schedulerIdOf, syncDriftSchedules } from "@/lib/monitoring/drift/scheduled-reports";
import { runDriftReport } from "@/lib/monitoring/drift/run-drift-report";
import { computeColumnDrift, computeDrift } from "@/lib/monitoring/drift";
import { driftShare } from "@/lib/alerts/readers/drift-share";
import { LocalArtifactStore } from "@/lib/storage/artifact-store";
import { createLogger } from "@/lib/log";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { waitFor } from "./helpers/serving-cluster";

const db = getDb();
const redisUrl = inject("testRedis");
let pool: pg.Pool;
let workers: JobWorkers;
let w: World;
let other: World;
const MODEL = `credit-${randomUUID().slice(0, 6)}`;
const reportSettings = () => ({ databaseUrl: process.env.DATABASE_URL!, artifactDir: process.env.ARTIFACT_DIR!, timeoutMs: 60_000, maxMemoryMb: 1024, maxRows: 2_000_000 });

const LINES = readFileSync("fixtures/german_credit.csv", "utf8").trim().split("\n");
const HEADER = LINES[0].split(",");
const parse = (line: string) => Object.fromEntries(line.split(",").map((v, i) => [HEADER[i], /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]));
const ROWS = LINES.slice(1).map(parse);
const INPUTS = Object.keys(trained().testRows[0]);

function form(parts: { file: Uint8Array; reference?: string }): FormData {
  const f = new FormData();
  f.set("file", new Blob([Buffer.from(parts.file)]), "model.onnx");
  if (parts.reference !== undefined) f.set("reference", new Blob([parts.reference]), "reference.csv");
  return f;
}

async function endpointServing(name: string, version: number) {
  const v = await db.modelVersion.findFirstOrThrow({ where: { number: version, model: { teamId: w.teamId, name: MODEL } } });
  const variant = { name: `${MODEL}-v${version}`, model: MODEL, version, versionId: v.id, sha256: v.sha256, weight: 100, role: "primary", device: "cpu", replicas: 1 };
  return db.endpoint.create({ data: { teamId: w.teamId, name, routing: { variants: [variant], sticky: null }, createdBy: "test" } });
}

/** Served records, one row each, German-credit inputs; `shift` multiplies duration (drift). */
function records(endpointId: string, rows: Record<string, unknown>[], opts: { t: number; shift?: number; shadow?: boolean; status?: number; version?: number }): PredictionRecord[] {
  return rows.map((row, i) => {
    const inputs: Record<string, (number | string)[]> = {};
    for (const k of INPUTS) inputs[k] = [k === "duration" ? Number(row[k]) * (opts.shift ?? 1) : (row[k] as number | string)];
    return {
      t: opts.t + i, e: endpointId, v: `${MODEL}-v${opts.version ?? 1}`, n: opts.version ?? 1, id: randomUUID(), s: opts.status ?? 200, l: 3, sh: opts.shadow ?? false, r: 1,
      in: inputs, out: { probability: [((i * 37) % 100) / 100] },
    };
  });
}

const post = (endpoint: string, body: object, token = w.tokens.write) => call(reports.POST, "POST", `/api/v1/endpoints/${endpoint}/drift-reports`, { token, body, params: { endpoint } });
const get = (id: string, token = w.tokens.read) => call(oneReport.GET, "GET", `/api/v1/drift-reports/${id}`, { token, params: { id } });
const finished = (id: string) => waitFor(`report ${id}`, async () => {
  const r = await get(id);
  return r.json.status === "succeeded" || r.json.status === "failed" ? r.json : null;
}, 60_000, 100);

let withRef: number;
let withoutRef: number;

beforeAll(async () => {
  w = await makeWorld("drift");
  other = await makeWorld("drift-other");
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  await ensurePartitions(pool, 2, new Date(Date.now() - 2 * 86_400_000));
  expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: MODEL } })).status).toBe(201);
  const reference = LINES.slice(0, 501).join("\n"); // header + 500 rows
  const a = await call(versions.POST, "POST", `/api/v1/models/${MODEL}/versions`, { token: w.tokens.write, rawBody: form({ file: trained().onnx, reference }), params: { model: MODEL } });
  expect(a.status, JSON.stringify(a.json)).toBe(201);
  withRef = a.json.number;
  const b = await call(versions.POST, "POST", `/api/v1/models/${MODEL}/versions`, { token: w.tokens.write, rawBody: form({ file: trained("mlp").onnx }), params: { model: MODEL } });
  expect(b.status, JSON.stringify(b.json)).toBe(201);
  withoutRef = b.json.number;
  workers = startJobWorkers({
    jobs: [{ job: driftReportJob, concurrency: 1 }],
    connection: bullConnection(redisUrl), lockMs: 30_000, stalledMs: 30_000, log: createLogger("drift-test", "silent"),
    ctx: {
      db, redis: new Redis(redisUrl), pool, redisUrl, log: () => {},
      settings: { ingestLagMs: 0, predictionLogRetentionDays: 30, clusterSecret: "unused-here", inlineMaxModelMb: INLINE_MAX_MODEL_MB_DEFAULT },
      artifacts: { store: new LocalArtifactStore(process.env.ARTIFACT_DIR!), graceMs: 0 },
      notify: { secretKey: "x".repeat(32), allowPrivateNetworks: true, backoffBaseMs: 100, appUrl: "http://localhost:3000" },
      reports: reportSettings(),
    },
  });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await closeProducerQueues();
  await pool?.end();
});

describe("a drift report through the API and a job worker", () => {
  it("compares the window's served rows with the version's reference data, exactly as computeDrift does", async () => {
    const e = await endpointServing(`drift-${randomUUID().slice(0, 8)}`, withRef);
    const t = Date.now() - 10 * 60_000;
    const current = ROWS.slice(500, 900);
    await writePredictionBatch(pool, [
      ...records(e.id, current, { t, shift: 3 }),
      // neither shadow copies nor failures nor another window count
      ...records(e.id, ROWS.slice(0, 50), { t: t + 1000, shift: 100, shadow: true }),
      ...records(e.id, ROWS.slice(0, 20), { t: t + 2000, shift: 100, status: 500 }),
      ...records(e.id, ROWS.slice(0, 30), { t: t - 3 * 3_600_000, shift: 100 }),
    ]);
    const r = await post(e.name, { from: new Date(t - 60_000).toISOString(), to: new Date().toISOString() });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json).toMatchObject({ id: expect.any(String), status: "queued" });
    const report = await finished(r.json.id);
    expect(report.status, report.error).toBe("succeeded");
    expect(report.rows).toEqual({ reference: 500, current: 400 });
    expect(report.reference).toEqual({ model: MODEL, version: withRef });

    const col = (rows: Record<string, unknown>[], k: string, shift = 1) => rows.map((row) => (k === "duration" ? Number(row[k]) * shift : (row[k] as number | string)));
    const expected = computeDrift({
      reference: Object.fromEntries(INPUTS.map((k) => [k, col(ROWS.slice(0, 500), k)])),
      current: Object.fromEntries(INPUTS.map((k) => [k, col(current, k, 3)])),
    });
    expect(report.features.map((f: { name: string }) => f.name)).toEqual(expected.features.map((f) => f.name));
    for (const f of expected.features) {
      const got = report.features.find((x: { name: string }) => x.name === f.name);
      for (const k of ["statistic", "pValue", "psi", "jsDistance", "wasserstein"] as const) {
        if (f[k] === null) expect(got[k]).toBeNull();
        else expect(got[k]).toBeCloseTo(f[k]!, 12);
      }
      expect(got).toMatchObject({ kind: f.kind, method: f.method, drifted: f.drifted, missingShare: f.missingShare });
    }
    expect(report.features[0]).toMatchObject({ name: "duration", drifted: true });
    expect(report.datasetDrift).toEqual(expected.datasetDrift);
    // the model's first output is not a column of the reference: said, not invented
    expect(report.prediction).toBeNull();
    expect(report.notes.join(" ")).toMatch(/no values of "probability"/);
    expect(report.histograms.duration.kind).toBe("numeric");
    expect(report.timings.totalMs).toBeGreaterThan(0);

    const list = await call(reports.GET, "GET", `/api/v1/endpoints/${e.name}/drift-reports?limit=1`, { token: w.tokens.read, params: { endpoint: e.name } });
    expect(list.status).toBe(200);
    expect(list.json.reports.map((x: { id: string }) => x.id)).toEqual([r.json.id]);
    // another team sees nothing of it
    expect((await get(r.json.id, other.tokens.read)).status).toBe(404);
    // and the alert metric reads its share
    const values = await driftShare.read({ db, now: new Date(), rules: [{ id: "r1", endpointId: e.id, metric: "drift_share", variant: null, feature: null, windowSeconds: 3600 }] });
    expect(values.get("r1")).toBe(report.datasetDrift.share);
  });

  it("succeeds on a window with no logged rows, with rows.current = 0 and no statistics", async () => {
    const e = await endpointServing(`drift-${randomUUID().slice(0, 8)}`, withRef);
    const r = await post(e.name, { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() });
    const report = await finished(r.json.id);
    expect(report).toMatchObject({ status: "succeeded", rows: { reference: 500, current: 0 }, datasetDrift: { share: null, drifted: false } });
    expect(report.features.every((f: { statistic: number | null; drifted: boolean }) => f.statistic === null && !f.drifted)).toBe(true);
    expect(report.notes.join(" ")).toMatch(/no logged predictions/);
  });
});

describe("the prediction column", () => {
  it("compares the model's first output when the reference data holds it, and keeps outputs out of the features", async () => {
    // the same model again, its reference with the model's output (probability) beside the inputs
    const refProbs = Array.from({ length: 500 }, (_, i) => (i % 10) / 10);
    const csv = [`${LINES[0]},probability`, ...LINES.slice(1, 501).map((l, i) => `${l},${refProbs[i]}`)].join("\n");
    const pushed = await call(versions.POST, "POST", `/api/v1/models/${MODEL}/versions`, { token: w.tokens.write, rawBody: form({ file: trained().onnx, reference: csv }), params: { model: MODEL } });
    expect(pushed.status, JSON.stringify(pushed.json)).toBe(201);
    const e = await endpointServing(`drift-${randomUUID().slice(0, 8)}`, pushed.json.number);
    const t = Date.now() - 5 * 60_000;
    const recs = records(e.id, ROWS.slice(500, 900), { t, version: pushed.json.number });
    await writePredictionBatch(pool, recs);
    const r = await post(e.name, { from: new Date(t - 60_000).toISOString(), to: new Date().toISOString() });
    const report = await finished(r.json.id);
    expect(report.status, report.error).toBe("succeeded");
    const expected = computeColumnDrift({ name: "probability", reference: refProbs, current: recs.map((x) => x.out!.probability[0]) });
    expect(report.prediction).toMatchObject({ name: "probability", kind: "numeric", method: "ks", drifted: expected.drifted });
    expect(report.prediction.statistic).toBeCloseTo(expected.statistic!, 12);
    expect(report.prediction.pValue).toBeCloseTo(expected.pValue!, 12);
    expect(report.features.map((f: { name: string }) => f.name).sort()).toEqual([...INPUTS].sort());
    expect(report.histograms.probability.kind).toBe("numeric");
  });
});

describe("what a report refuses", () => {
  it("answers 422 for a version without reference data, saying how to add it, and 400 naming the field for a bad window", async () => {
    const e = await endpointServing(`drift-${randomUUID().slice(0, 8)}`, withoutRef);
    const now = Date.now();
    const none = await post(e.name, { from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() });
    expect(none.status, JSON.stringify(none.json)).toBe(422);
    expect(none.json.error.message).toMatch(/no reference data.*versions reference .* data\.csv/);
    const backwards = await post(e.name, { from: new Date(now).toISOString(), to: new Date(now - 1000).toISOString(), version: withRef });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.field).toBe("body.from");
    const tooLong = await post(e.name, { from: new Date(now - 40 * 86_400_000).toISOString(), to: new Date(now).toISOString(), version: withRef });
    expect(tooLong.json.error.field).toBe("body.to");
    const notIso = await post(e.name, { from: "yesterday", to: new Date(now).toISOString() });
    expect(notIso.status).toBe(400);
    expect(notIso.json.error.field).toBe("body.from");
    expect((await post(e.name, { from: new Date(now - 1000).toISOString(), to: new Date(now).toISOString(), version: withRef }, w.tokens.read)).status).toBe(403);
    expect(await db.driftReport.count({ where: { endpointId: e.id } })).toBe(0);
  });

  it("stops a report past its time limit and says which limit", async () => {
    const e = await endpointServing(`drift-${randomUUID().slice(0, 8)}`, withRef);
    const report = await db.driftReport.create({ data: { teamId: w.teamId, endpointId: e.id, from: new Date(Date.now() - 60_000), to: new Date(), referenceModel: MODEL, referenceVersion: withRef, requestedBy: "test" } });
    expect(await runDriftReport({ db, reportId: report.id, settings: { ...reportSettings(), timeoutMs: 50 } })).toBe("failed");
    const after = await db.driftReport.findUniqueOrThrow({ where: { id: report.id } });
    expect(after.status).toBe("failed");
    expect(after.error).toMatch(/DRIFT_REPORT_TIMEOUT_MS/);
    // a finished report is never computed again
    expect(await runDriftReport({ db, reportId: report.id, settings: reportSettings() })).toBe("finished_before");
  });
});

describe("scheduled reports", () => {
  it("keeps one BullMQ job scheduler per scheduled endpoint, and each run records one report", async () => {
    const e = await endpointServing(`drift-${randomUUID().slice(0, 8)}`, withRef);
    const put = (body: object) => call(settingsRoute.PUT, "PUT", `/api/v1/endpoints/${e.name}/drift-settings`, { token: w.tokens.write, body, params: { endpoint: e.name } });
    const bad = await put({ schedule: { everyMinutes: 1, windowMinutes: 60 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("body.schedule.everyMinutes");
    const ok = await put({ schedule: { everyMinutes: 60, windowMinutes: 24 * 60 }, thresholds: { jsDistance: 0.2 } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ schedule: { everyMinutes: 60, windowMinutes: 1440 }, thresholds: { jsDistance: 0.2, wasserstein: 0.1 } });

    const schedules = new Queue(scheduledDriftReportJob.queue, { connection: bullConnection(redisUrl) });
    try {
      // the sync sets the scheduler up, and an endpoint without a report in its last period gets one at once
      await syncDriftSchedules({ db, redisUrl, schedules, scheduledJob: scheduledDriftReportJob });
      const ids = (await schedules.getJobSchedulers(0, -1)).map((s) => s.key);
      expect(ids).toContain(schedulerIdOf(e.id));
      expect(await createScheduledReport({ db, redisUrl, endpointId: e.id })).toBe("recent"); // the scheduler's run in the same period
      await syncDriftSchedules({ db, redisUrl, schedules, scheduledJob: scheduledDriftReportJob }); // nothing to catch up: still one
      const made = await db.driftReport.findMany({ where: { endpointId: e.id } });
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ scheduled: true, referenceVersion: withRef });
      expect(made[0].to.getTime() - made[0].from.getTime()).toBe(24 * 3_600_000);
      expect((await finished(made[0].id)).status).toBe("succeeded");

      expect((await put({ schedule: null })).status).toBe(200);
      await syncDriftSchedules({ db, redisUrl, schedules, scheduledJob: scheduledDriftReportJob });
      expect((await schedules.getJobSchedulers(0, -1)).map((s) => s.key)).not.toContain(schedulerIdOf(e.id));
      expect(await createScheduledReport({ db, redisUrl, endpointId: e.id })).toBe("unscheduled");
    } finally {
      await schedules.close();
    }
  });
});
