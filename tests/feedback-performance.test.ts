// Ground truth and labelled performance through the REST routes, against the real partitioned prediction
// log: labels by request id (late, repeated, unknown, for errors and shadow copies), team scoping, the
// audit entry, and the performance answer (metrics per variant and hour, the A/B verdict, the row cap).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as feedback from "@/app/api/v1/endpoints/[endpoint]/feedback/route";
import * as performance from "@/app/api/v1/endpoints/[endpoint]/performance/route";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { readPerformance } from "@/lib/performance/read-performance";
import { prepareSample, rocAuc, accuracy, logLoss, type Labelled } from "@/lib/performance/compute-metrics";
import { seededRandom } from "@/lib/training/random";
import { call, type CallOptions } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";

const db = getDb();
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
afterAll(() => pool.end());

const MIN = 60_000;
const HOUR = 60 * MIN;
const now = Date.now();
let w: World;
let other: World;
let name: string;
let otherName: string;
let endpointId: string;

async function newEndpoint(world: World, endpoint: string): Promise<string> {
  const r = await call(endpoints.POST, "POST", "/api/v1/endpoints", { cookie: world.people.admin.cookie, body: { name: endpoint } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return (await db.endpoint.findFirstOrThrow({ where: { teamId: world.teamId, name: endpoint } })).id;
}

const rec = (over: Partial<PredictionRecord> & { id: string; t: number }): PredictionRecord => ({
  e: endpointId, v: "credit-v1", n: 1, s: 200, l: 5, sh: false, r: 1, in: { age: [30] }, out: { probability: [0.2] }, ...over,
});

const send = (records: unknown[], who: CallOptions = { token: w.tokens.write }, endpoint = name) =>
  call(feedback.POST, "POST", `/api/v1/endpoints/${endpoint}/feedback`, { ...who, body: { records }, params: { endpoint } });
const perf = (query = "", who: CallOptions = { token: w.tokens.read }, endpoint = name) =>
  call(performance.GET, "GET", `/api/v1/endpoints/${endpoint}/performance${query ? `?${query}` : ""}`, { ...who, params: { endpoint } });

// A/B traffic: v1 (weak scores) and v2 (good scores), 300 requests each over the last 3 hours, plus a shadow v3
// copy of every v2 request. `truth` is each request's label (1 = bad).
const truth = new Map<string, number>();
const scores = new Map<string, number>(); // `${variant}|${id}` → score

beforeAll(async () => {
  w = await makeWorld("fb");
  other = await makeWorld("fb-other");
  name = `fb-${randomUUID().slice(0, 8)}`;
  endpointId = await newEndpoint(w, name);
  otherName = `fb-other-${randomUUID().slice(0, 8)}`;
  const theirs = await newEndpoint(other, otherName);
  // the team's model: its versions name "bad" as the positive class
  await db.model.create({
    data: {
      teamId: w.teamId, name: "credit", task: "binary_classification", createdBy: "test", latestVersion: 3,
      versions: { create: [1, 2, 3].map((number) => ({ number, sha256: `sha-${number}`, sizeBytes: 1, signature: {}, params: { positive_class: "bad" }, createdBy: "test" })) },
    },
  });
  await ensurePartitions(pool);
  const rand = seededRandom(11);
  const recs: PredictionRecord[] = [];
  for (let i = 0; i < 600; i++) {
    const v2 = i % 2 === 1;
    const id = `req-${i}`;
    const bad = rand() < 0.35 ? 1 : 0;
    truth.set(id, bad);
    const t = now - Math.floor(rand() * 3 * HOUR);
    const signal = v2 ? 0.5 : 0.05;
    const p = Math.round(Math.min(1, Math.max(0, 0.5 + signal * (bad - 0.5) + (rand() - 0.5) * 0.7)) * 1000) / 1000;
    scores.set(`${v2 ? "credit-v2" : "credit-v1"}|${id}`, p);
    recs.push(rec({ id, t, v: v2 ? "credit-v2" : "credit-v1", n: v2 ? 2 : 1, out: { probability: [p] } }));
    if (v2) {
      scores.set(`credit-v3|${id}`, 0.5);
      recs.push(rec({ id, t: t + 1, v: "credit-v3", n: 3, sh: true, out: { probability: [0.5] } }));
    }
  }
  recs.push(
    rec({ id: "failed", t: now - 10 * MIN, s: 500, out: null, err: "the worker did not answer in time" }),
    rec({ id: "batch", t: now - 10 * MIN, r: 2, in: { age: [1, 2] }, out: { probability: [0.1, 0.9] } }),
    rec({ id: "theirs", t: now - 10 * MIN, e: theirs }),
  );
  expect(await writePredictionBatch(pool, recs)).toBe(recs.length);
});

const label = (id: string) => (truth.get(id) ? "bad" : "good");

describe("feedback", () => {
  it("labels predictions by request id, lists unknown ids and error answers, and writes one audit entry", async () => {
    const auditBefore = await db.auditEvent.count({ where: { teamId: w.teamId, action: "feedback.record" } });
    const records = [...truth.keys()].map((id) => ({ requestId: id, label: label(id) }));
    const r = await send([...records, { requestId: "never-logged", label: "bad" }, { requestId: "failed", label: "good" }, { requestId: "theirs", label: 1 }]);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    // 600 requests, 300 of them with a shadow copy also labelled
    expect(r.json).toEqual({ endpoint: name, accepted: 600, predictions: 900, replaced: 0, unknown: ["never-logged", "theirs"], failed: ["failed"] });
    const audits = await db.auditEvent.findMany({ where: { teamId: w.teamId, action: "feedback.record" } });
    expect(audits.length - auditBefore).toBe(1);
    expect(audits.at(-1)!.after).toMatchObject({ endpoint: name, records: 603, accepted: 600, predictions: 900, unknown: 2, failed: 1 });
    const stored = await db.predictionFeedback.findUniqueOrThrow({ where: { endpointId_requestId_variant: { endpointId, requestId: "req-1", variant: "credit-v2" } } });
    expect(stored).toMatchObject({ version: 2, shadow: false, label: label("req-1"), actual: truth.get("req-1"), score: scores.get("credit-v2|req-1") });
  });

  it("a repeated label replaces the earlier one; the last of a call wins", async () => {
    const flipped = truth.get("req-0") ? "good" : "bad";
    const r = await send([{ requestId: "req-0", label: label("req-0") }, { requestId: "req-0", label: flipped }]);
    expect(r.json).toMatchObject({ accepted: 1, predictions: 1, replaced: 1, unknown: [] });
    const row = await db.predictionFeedback.findFirstOrThrow({ where: { endpointId, requestId: "req-0" } });
    expect(row.label).toBe(flipped);
    await send([{ requestId: "req-0", label: label("req-0") }]);
  });

  it("refuses, writing nothing: a multi-row request, a label the model's classes do not name, too many records, bad shapes", async () => {
    const before = await db.predictionFeedback.count({ where: { endpointId } });
    const batch = await send([{ requestId: "req-2", label: "bad" }, { requestId: "batch", label: "bad" }]);
    expect(batch.status).toBe(422);
    expect(batch.json.error.message).toMatch(/"batch" predicted 2 rows/);
    expect(batch.json.error.field).toBe("body.records.1.requestId");
    const tooMany = await send(Array.from({ length: 10_001 }, (_, i) => ({ requestId: `x${i}`, label: 1 })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.field).toBe("body.records");
    for (const bad of [[{ requestId: "req-2", label: null }], [{ requestId: "req-2", label: ["bad"] }], [{ requestId: "", label: 1 }], [{ requestId: "req-2", label: 1, extra: 1 }], []]) {
      expect((await send(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await db.predictionFeedback.count({ where: { endpointId } })).toBe(before);
  });

  it("is the team's own: another team's endpoint is not found, viewers and read tokens may not label", async () => {
    expect((await send([{ requestId: "theirs", label: 1 }], { token: w.tokens.write }, otherName)).status).toBe(404);
    expect((await send([{ requestId: "req-2", label: 1 }], { token: other.tokens.write })).status).toBe(404);
    expect((await send([{ requestId: "req-2", label: 1 }], { token: w.tokens.read })).status).toBe(403);
    expect((await send([{ requestId: "req-2", label: 1 }], { cookie: w.people.viewer.cookie, headers: { "x-switchyard-team": w.slug } })).status).toBe(403);
    const engineer = await send([{ requestId: "req-2", label: label("req-2") }], { cookie: w.people.engineer.cookie, headers: { "x-switchyard-team": w.slug } });
    expect(engineer.json).toMatchObject({ accepted: 1, replaced: 1 });
  });
});

type VariantView = { variant: string; version: number; shadow: boolean; labelled: number; metrics: Record<string, number | null>; hours: { start: string; labelled: number; metrics: Record<string, number | null> }[]; calibration: { count: number }[] };

describe("performance", () => {
  const expected = (variant: string) => {
    const rows: Labelled[] = [];
    for (const [key, p] of scores) {
      if (!key.startsWith(`${variant}|`)) continue;
      const actual = truth.get(key.slice(variant.length + 1))!;
      rows.push({ actual, score: p, correct: (p >= 0.5 ? 1 : 0) === actual });
    }
    return prepareSample(rows);
  };

  it("gives per-variant metrics over the range and per hour, and the A/B verdict with a 95% interval", async () => {
    const r = await perf("range=24h", { cookie: w.people.viewer.cookie, headers: { "x-switchyard-team": w.slug } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ endpoint: name, range: "24h", task: "classification", metric: "auc", rows: { read: 900, truncated: false } });
    const byName = Object.fromEntries((r.json.variants as VariantView[]).map((v) => [v.variant, v]));
    expect(Object.keys(byName)).toEqual(["credit-v1", "credit-v2", "credit-v3"]);
    expect(byName["credit-v3"]).toMatchObject({ shadow: true, labelled: 300 });
    for (const v of ["credit-v1", "credit-v2"]) {
      const s = expected(v);
      expect(byName[v].labelled).toBe(300);
      expect(byName[v].metrics.auc).toBeCloseTo(rocAuc(s)!, 12);
      expect(byName[v].metrics.accuracy).toBeCloseTo(accuracy(s)!, 12);
      expect(byName[v].metrics.log_loss).toBeCloseTo(logLoss(s)!, 12);
      expect(byName[v].metrics.mae).toBeNull();
      expect(byName[v].hours).toHaveLength(24);
      expect(byName[v].hours.reduce((n, h) => n + h.labelled, 0)).toBe(300);
      expect(byName[v].hours.filter((h) => h.labelled > 0).length).toBeGreaterThanOrEqual(3);
      expect(byName[v].calibration.reduce((n, b) => n + b.count, 0)).toBe(300);
    }
    // the shadow scores 0.5 everywhere: AUC exactly 0.5
    expect(byName["credit-v3"].metrics.auc).toBe(0.5);
    // the two with the most labels (all 300; v1 and v2 first by version), v2 clearly better
    const v = r.json.verdict;
    expect(v).toMatchObject({ metric: "auc", a: { variant: "credit-v1", labelled: 300 }, b: { variant: "credit-v2", labelled: 300 }, labelledRequests: 600, capped: false, significant: true, resamples: 1000, skipped: 0 });
    expect(v.difference).toBeCloseTo(rocAuc(expected("credit-v2"))! - rocAuc(expected("credit-v1"))!, 12);
    expect(v.ci.low).toBeGreaterThan(0);
    expect(v.ci.high).toBeGreaterThan(v.difference);
    expect(v.method).toMatch(/percentile bootstrap over requests/);
    // seeded: the same answer twice
    expect((await perf("range=24h")).json.verdict).toEqual(v);
  });

  it("compares chosen variants on a chosen metric: a shadow is paired on the same requests", async () => {
    const r = await perf("range=7d&metric=accuracy&a=credit-v2&b=credit-v3");
    expect(r.json.variants[0].hours).toHaveLength(168);
    expect(r.json.verdict).toMatchObject({ metric: "accuracy", a: { variant: "credit-v2" }, b: { variant: "credit-v3" }, labelledRequests: 300 });
    expect(r.json.verdict.difference).toBeCloseTo(accuracy(expected("credit-v3"))! - accuracy(expected("credit-v2"))!, 12);
    const missing = await perf("a=credit-v1&b=credit-v9");
    expect(missing.json.verdict).toBeNull();
    expect(missing.json.verdictNote).toMatch(/credit-v9/);
    expect((await perf("a=credit-v1")).status).toBe(400);
    expect((await perf("metric=f1")).status).toBe(400);
    const regressionMetric = await perf("metric=rmse");
    expect(regressionMetric.status).toBe(400);
    expect(regressionMetric.json.error).toMatchObject({ field: "query.metric", message: expect.stringMatching(/not a classification metric/) });
    expect((await perf("range=1h")).status).toBe(400);
  });

  it("reads at most the cap of labelled predictions, newest first, and says so", async () => {
    const r = await readPerformance({ db, teamId: w.teamId, name, maxRows: 100 });
    expect(r.rows).toEqual({ read: 100, cap: 100, truncated: true });
    expect(r.variants.reduce((n, v) => n + v.labelled, 0)).toBe(100);
    // the verdict resamples the newest requests of its two variants, at most its own cap
    const capped = await readPerformance({ db, teamId: w.teamId, name, verdictMaxRequests: 50 });
    expect(capped.verdict).toMatchObject({ labelledRequests: 50, capped: true });
    expect(capped.verdict!.a.labelled + capped.verdict!.b.labelled).toBe(50);
    expect(capped.variants.find((v) => v.variant === "credit-v1")!.labelled).toBe(300);
  });

  it("an endpoint without labels answers empty, and another team's endpoint is not found", async () => {
    const empty = `fb-empty-${randomUUID().slice(0, 8)}`;
    await newEndpoint(w, empty);
    const r = await perf("", { token: w.tokens.read }, empty);
    expect(r.json).toMatchObject({ task: null, metric: "auc", variants: [], verdict: null, rows: { read: 0, truncated: false } });
    expect((await perf("", { token: other.tokens.read })).status).toBe(404);
  });
});
