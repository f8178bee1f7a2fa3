// Issue 7, findings 4 and 8 (API input): content-addressed artifacts are never lost to a failed
// upload, unreferenced ones are collected later; the REST API answers 400/413/422 (never 500) to
// hostile input and never shows server paths. Real Postgres, real filesystem, real route handlers.
import { createHash, randomUUID } from "node:crypto";
import { stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { NAMED_CONTRACTS } from "@/lib/api/contracts";
import { errorResponse } from "@/lib/api/handle";
import { AppError } from "@/lib/errors";
import type { Contract } from "@/lib/api/contract";
import { versionMetadataSchema } from "@/lib/registry/version-metadata";
import { interactionPayloadSchema } from "@/lib/integrations/slack/interaction-payload";
import { createVersion } from "@/lib/registry/create-version";
import { collectArtifacts } from "@/lib/registry/collect-artifacts";
import { LocalArtifactStore } from "@/lib/storage/artifact-store";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { ruleOf } from "@/lib/auth/policy";
import { GraphBuilder } from "@/lib/onnx/graph-builder";
import { DataType } from "@/lib/onnx/proto";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as artifact from "@/app/api/v1/models/[model]/versions/[n]/artifact/route";
import { call, multipart } from "../helpers/call";
import { slackForm, slackHeaders } from "../helpers/slack";
import { makeWorld, type World } from "../helpers/world";
import { freePort, startProcess, startRedis, stopProcess, waitFor, type Proc } from "../helpers/processes";

const db = getDb();
const ARTIFACT_DIR = process.env.ARTIFACT_DIR!;
const store = new LocalArtifactStore(ARTIFACT_DIR);
let w: World;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A tiny valid model whose bytes are new each call (a random constant), so each race is on a file nobody stored yet. */
function uniqueModel(): Uint8Array {
  const g = new GraphBuilder(`m-${randomUUID()}`);
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  const c = g.floats("c", [1], [Math.random()]);
  g.node("Add", [x, c], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

const push = (name: string, file: Uint8Array | null, metadata?: unknown) =>
  call(versions.POST, "POST", `/api/v1/models/${name}/versions`, { token: w.tokens.write, rawBody: multipart(file, metadata), params: { model: name } });

async function download(name: string, n: number): Promise<{ status: number; sha256?: string; error?: string }> {
  try {
    const res = await artifact.GET(new Request(`http://localhost/api/v1/models/${name}/versions/${n}/artifact`, { headers: { authorization: `Bearer ${w.tokens.read}` } }), { params: Promise.resolve({ model: name, n: String(n) }) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, sha256: res.ok ? sha256(bytes) : undefined };
  } catch (err) {
    return { status: -1, error: (err as Error).message };
  }
}

async function freshModel(prefix: string): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const r = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return name;
}

beforeAll(async () => {
  w = await makeWorld("sec-art");
});

describe("artifacts: a failed upload never takes away a file another upload committed", () => {
  it("keeps every 201's artifact when identical bytes race with an upload that fails after storing them (20 tries)", async () => {
    const name = await freshModel("race");
    const model = await db.model.findFirstOrThrow({ where: { teamId: w.teamId, name } });
    const lost: string[] = [];
    for (let i = 0; i < 20; i++) {
      const bytes = uniqueModel();
      // The failing half of the pair: an unknown parent (refused in the registry's transaction), or —
      // every other try — a row that Postgres itself refuses (description with a NUL, past the API's
      // checks: createVersion called directly), i.e. any failure after the file is in the store.
      const failing = i % 2 === 0
        ? push(name, bytes, { parentVersion: 999 }).then((r) => r.status)
        : (async () => {
          const tempFile = await store.tempPath();
          await writeFile(tempFile, bytes);
          try {
            await createVersion({ db, store, teamId: model.teamId, modelName: name, upload: { tempFile, sha256: sha256(bytes), sizeBytes: bytes.length }, metadata: { metrics: {}, params: {}, tags: [], description: "bad\u0000row" }, actor: SYSTEM_ACTOR });
            return 201;
          } catch {
            return 500;
          }
        })();
      const [good, bad] = await Promise.all([push(name, bytes, { tags: ["race"] }), failing]);
      expect(good.status, JSON.stringify(good.json)).toBe(201);
      expect(bad).not.toBe(201);
      const dl = await download(name, good.json.number);
      if (dl.status !== 200 || dl.sha256 !== sha256(bytes)) lost.push(`try ${i}: v${good.json.number} → ${dl.status} ${dl.error ?? dl.sha256 ?? ""}`);
    }
    expect(lost, `artifacts lost:\n${lost.join("\n")}`).toEqual([]);
  }, 120_000);
});

const DAY = 24 * 3600_000;
const exists = (file: string) => stat(file).then(() => true, () => false);
const age = async (file: string, ms: number) => { const t = new Date(Date.now() - ms); await utimes(file, t, t); };

/** Stores bytes the way an upload does up to `put`, with no version row: what a failed or crashed upload leaves. */
async function orphan(bytes: Uint8Array, ageMs = 0): Promise<string> {
  const tempFile = await store.tempPath();
  await writeFile(tempFile, bytes);
  await store.put(tempFile, sha256(bytes));
  if (ageMs) await age(store.localPath(sha256(bytes)), ageMs);
  return sha256(bytes);
}

async function tempFileOf(ageMs: number): Promise<string> {
  const file = await store.tempPath();
  await writeFile(file, "partial upload");
  await age(file, ageMs);
  return file;
}

describe("artifacts: garbage collection", () => {
  it("stores write-once: the same bytes again keep the stored file and mark it as in use", async () => {
    const bytes = uniqueModel();
    const sha = await orphan(bytes, 2 * DAY);
    const before = await stat(store.localPath(sha));
    const tempFile = await store.tempPath();
    await writeFile(tempFile, bytes);
    expect(await store.put(tempFile, sha)).toBe(false);
    const after = await stat(store.localPath(sha));
    expect(after.ino).toBe(before.ino); // not replaced
    expect(after.mtimeMs).toBeGreaterThan(Date.now() - 60_000); // its grace period starts again
    expect(await exists(tempFile)).toBe(false);
  });

  it("deletes only unreferenced files older than the grace period, never a referenced one", async () => {
    const name = await freshModel("gc");
    const referencedBytes = uniqueModel();
    const v = await push(name, referencedBytes, {});
    expect(v.status, JSON.stringify(v.json)).toBe(201);
    await age(store.localPath(v.json.sha256), 30 * DAY);
    const oldOrphan = await orphan(uniqueModel(), 2 * DAY);
    const youngOrphan = await orphan(uniqueModel(), DAY / 2);
    const oldTemp = await tempFileOf(2 * DAY);
    const youngTemp = await tempFileOf(DAY / 2);

    const r = await collectArtifacts({ db, store, graceMs: DAY });
    expect(r.removed).toContain(oldOrphan);
    expect(r.removed).not.toContain(youngOrphan);
    expect(r.removed).not.toContain(v.json.sha256);
    expect(await store.has(oldOrphan)).toBe(false);
    expect(await store.has(youngOrphan)).toBe(true);
    expect(await exists(oldTemp)).toBe(false);
    expect(await exists(youngTemp)).toBe(true);
    // nothing any version refers to was removed, and the old referenced file still downloads
    expect(await db.modelVersion.count({ where: { sha256: { in: r.removed } } })).toBe(0);
    expect(await download(name, v.json.number)).toEqual({ status: 200, sha256: sha256(referencedBytes) });
    // everything that is left and old is referenced
    const leftOld: string[] = [];
    for await (const a of store.list()) if (a.storedAt.getTime() <= Date.now() - DAY) leftOld.push(a.sha256);
    const referenced = await db.modelVersion.findMany({ where: { sha256: { in: leftOld } }, select: { sha256: true }, distinct: ["sha256"] });
    expect(referenced.map((x) => x.sha256).sort()).toEqual([...leftOld].sort());
  });

  it("leaves no orphan that survives garbage collection when an upload's process dies midway, and never collects one in flight", async () => {
    const name = await freshModel("crash");
    const model = await db.model.findFirstOrThrow({ where: { teamId: w.teamId, name } });
    const base = { DATABASE_URL: process.env.DATABASE_URL!, ARTIFACT_DIR, LOG_LEVEL: "silent" };

    // 1. killed after storing the file, before its version row commits (the test holds the model's row lock)
    const bytes = uniqueModel();
    const sha = sha256(bytes);
    const file = path.join(os.tmpdir(), `switchyard-crash-${randomUUID()}.onnx`);
    await writeFile(file, bytes);
    const lock = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await lock.connect();
    let registering: Proc | undefined;
    try {
      await lock.query("BEGIN");
      await lock.query('SELECT id FROM "Model" WHERE id = $1 FOR UPDATE', [model.id]);
      registering = startProcess("upload-version", "tests/helpers/upload-process.ts", { ...base, UPLOAD_MODE: "version", UPLOAD_FILE: file, UPLOAD_TEAM_ID: model.teamId, UPLOAD_MODEL: name });
      await waitFor("the file in the store", () => store.has(sha), 30_000).catch((err) => { throw new Error(`${err.message}\n${registering!.output.join("")}`); });
      // in flight: not collected even with no grace period at all (the upload holds the artifact's lock)
      const inFlight = await collectArtifacts({ db, store, graceMs: 0 });
      expect(inFlight.removed).not.toContain(sha);
      expect(await store.has(sha)).toBe(true);
      await stopProcess(registering, "SIGKILL");
    } finally {
      await stopProcess(registering, "SIGKILL");
      await lock.query("ROLLBACK").catch(() => {});
      await lock.end();
    }
    // 2. killed while the client is still streaming: a temp file is left
    const tempsBefore = new Set((await store.listTemp()).map((t) => t.path));
    const streaming = startProcess("upload-stream", "tests/helpers/upload-process.ts", { ...base, UPLOAD_MODE: "stream" });
    const temp = await waitFor("the streaming upload's temp file", async () => (await store.listTemp()).find((t) => !tempsBefore.has(t.path))?.path, 30_000)
      .catch((err) => { throw new Error(`${err.message}\n${streaming.output.join("")}`); });
    await waitFor("64 KiB streamed", async () => (await stat(temp)).size >= 64 * 1024);
    await stopProcess(streaming, "SIGKILL");

    expect(await db.modelVersion.count({ where: { sha256: sha } })).toBe(0);
    expect(await store.has(sha)).toBe(true);
    expect(await exists(temp)).toBe(true);

    // within the grace period both stay (an upload may still be using them) …
    const young = await collectArtifacts({ db, store, graceMs: DAY });
    expect(young.removed).not.toContain(sha);
    expect(await exists(temp)).toBe(true);
    // … and once older than it, collection removes both (when Postgres has noticed the dead connection)
    await age(store.localPath(sha), 2 * DAY);
    await age(temp, 2 * DAY);
    await waitFor("the orphan collected", async () => (await collectArtifacts({ db, store, graceMs: DAY })).removed.includes(sha) || !(await store.has(sha)), 20_000, 250);
    expect(await store.has(sha)).toBe(false);
    expect(await exists(temp)).toBe(false);
    expect(await db.modelVersion.count({ where: { sha256: sha } })).toBe(0);
  }, 90_000);

  describe("in a job worker", () => {
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let jobs: Proc | undefined;
    beforeAll(async () => { redis = await startRedis(); });
    afterAll(async () => { await stopProcess(jobs); await redis?.stop(); });

    it("runs on its schedule (ARTIFACT_GC_MS) with its grace period (ARTIFACT_GC_GRACE_MS)", async () => {
      const name = await freshModel("gc-job");
      const v = await push(name, uniqueModel(), {});
      expect(v.status).toBe(201);
      await age(store.localPath(v.json.sha256), 3 * 3600_000);
      const oldOrphan = await orphan(uniqueModel(), 3 * 3600_000);
      const youngOrphan = await orphan(uniqueModel());
      jobs = startProcess("jobs-gc", "workers/jobs/main.ts", {
        DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: redis.url, ARTIFACT_DIR, LOG_LEVEL: "info", JOBS_PORT: String(await freePort()),
        ARTIFACT_GC_MS: "500", ARTIFACT_GC_GRACE_MS: String(3600_000), JOBS_RECONCILE_MS: "600000", JOBS_HEAL_MS: "600000",
      });
      await waitFor("the old orphan collected", async () => !(await store.has(oldOrphan)) && /artifact garbage collection removed/.test(jobs!.output.join("")), 60_000, 250)
        .catch((err) => { throw new Error(`${err.message}\n${jobs!.output.join("")}`); });
      expect(await store.has(youngOrphan)).toBe(true);
      expect(await store.has(v.json.sha256)).toBe(true);
    }, 90_000);
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input on every route: a NUL (or a lone surrogate) in any string, 2^31 in any integer.

const NUL = "a\u0000b";
const SURROGATE = "a\ud800b";
const INT_OVER = 2 ** 31;

type Where = "path" | "query" | "body" | "metadata" | "payload";
type Leaf = { path: (string | number)[]; kind: "string" | "integer" | "key" };
type Baseline = { path?: Record<string, string>; query?: Record<string, string>; body?: unknown; metadata?: unknown; payload?: unknown };

const ORIGIN = "http://localhost";

/**
 * A valid request for each contract that takes input: each field is then replaced, one at a time,
 * by a hostile value. Every array holds one element and every record one entry, so that every
 * field the schema knows is present. A contract added without a baseline fails the completeness test.
 */
function baselines(model: string): Record<string, Baseline | Baseline[]> {
  const variant = { model, version: 1, weight: 100, role: "primary", device: "cpu", replicas: 1, batching: { maxBatch: 8, maxQueueDelayMs: 1 }, placement: "worker" };
  return {
    createModel: { body: { name: "fresh", task: "binary_classification", description: "d" } },
    getModel: { path: { model } },
    createVersion: {
      path: { model },
      metadata: {
        metrics: { auc: 0.9 }, params: { lr: "0.1" }, tags: ["nightly"], dataset: "german", description: "d", parentVersion: 1,
        // the walk's model (uniqueModel) takes one number, "x"; a string there would be refused as a reference row
        referenceData: { x: [1, 2] }, referenceProfile: { age: { kind: "numeric" } },
      },
    },
    setReference: { path: { model, n: "1" } },
    listModels: { query: { q: "credit", tag: "nightly", sort: "-createdAt", cursor: "abc", limit: "10" } },
    listVersions: { path: { model }, query: { tag: "nightly", metric: "auc>0.5,logloss<1", sort: "-metrics.auc", archived: "true", cursor: "abc", limit: "10" } },
    getVersion: { path: { model, n: "1" } },
    updateVersion: { path: { model, n: "1" }, body: { description: "d", tags: ["nightly"] } },
    archiveVersion: { path: { model, n: "1" } },
    unarchiveVersion: { path: { model, n: "1" } },
    downloadArtifact: { path: { model, n: "1" } },
    setAlias: { path: { model, alias: "champion" }, body: { version: 1 } },
    createEndpoint: { body: { name: "fresh", environment: "staging", description: "d", sticky: { header: "x-user-id", field: "user" } } },
    getEndpoint: { path: { endpoint: "e" } },
    setTraffic: {
      path: { endpoint: "e" },
      body: {
        model, variants: [variant], sticky: { header: "x-user-id", field: "user" }, strategy: "canary",
        canary: { steps: [10], bakeSeconds: 1, maxErrorRate: 0.1, maxP95Ms: 100, minRequests: 1 }, blueGreen: { rollbackWindowSeconds: 1 }, reason: "r", expectedRoutingVersion: 1,
      },
    },
    endpointMetrics: { path: { endpoint: "e" }, query: { minutes: "15" } },
    endpointHistory: { path: { endpoint: "e" }, query: { at: "2020-01-01T00:00:00Z", limit: "10", cursor: "abc" } },
    listPredictions: {
      path: { endpoint: "e" },
      query: { from: "2020-01-01T00:00:00Z", to: "2020-01-01T01:00:00Z", variant: "v", status: "ok", shadow: "all", minLatencyMs: "5", requestId: "r", feature: "age", value: "42", limit: "10", cursor: "abc" },
    },
    exportPredictions: {
      path: { endpoint: "e" },
      query: { from: "2020-01-01T00:00:00Z", to: "2020-01-01T01:00:00Z", variant: "v", status: "ok", shadow: "all", minLatencyMs: "5", requestId: "r", feature: "age", value: "42", format: "csv" },
    },
    sendFeedback: { path: { endpoint: "e" }, body: { records: [{ requestId: "r", label: "bad" }] } },
    endpointPerformance: { path: { endpoint: "e" }, query: { range: "24h", metric: "auc", a: "v1", b: "v2" } },
    requestDriftReport: { path: { endpoint: "e" }, body: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", version: 1 } },
    listDriftReports: { path: { endpoint: "e" }, query: { limit: "10", cursor: "c" } },
    getDriftReport: { path: { id: "r" } },
    getDriftSettings: { path: { endpoint: "e" } },
    updateDriftSettings: { path: { endpoint: "e" }, body: { thresholds: { smallReferenceRows: 1000, ksPValue: 0.05, chiSquarePValue: 0.05, wasserstein: 0.1, jsDistance: 0.1, datasetShare: 0.5 }, schedule: { everyMinutes: 60, windowMinutes: 1440 } } },
    getDeployment: { path: { id: "abc" } },
    deploymentEvents: { path: { id: "abc" } },
    abortDeployment: { path: { id: "abc" }, body: { reason: "r" } },
    createToken: { body: { name: "t", scopes: ["read"], expiresInDays: 30 } },
    revokeToken: { path: { id: "abc" } },
    addMember: { body: { email: "new@example.test", name: "New", role: "viewer" } },
    updateMember: { path: { email: "someone@example.test" }, body: { role: "viewer" } },
    removeMember: { path: { email: "someone@example.test" } },
    listAudit: { query: { action: "model.create", resourceType: "model", actor: "someone", before: "2030-01-01T00:00:00Z", limit: "10" } },
    exportAudit: { query: { format: "csv" } },
    listDeadLetters: { query: { before: "1700000000000-0", limit: "10" } },
    createEndpointKey: { path: { endpoint: "e" }, body: { name: "ci" } },
    listEndpointKeys: { path: { endpoint: "e" } },
    revokeEndpointKey: { path: { endpoint: "e", id: "abc" } },
    updateEndpointSettings: { path: { endpoint: "e" }, body: { requireKey: true } },
    getPredictionLogSettings: { path: { endpoint: "e" } },
    updatePredictionLogSettings: { path: { endpoint: "e" }, body: { logInputs: 0.25 } },
    changePassword: { body: { currentPassword: "the-current-password", newPassword: "a-new-password-of-some-length" } },
    updateProfile: { body: { name: "A Name" } },
    resetMemberPassword: { path: { email: "someone@example.test" } },
    // one baseline per branch of the body's union: each field is walked in the branch that has it
    requestPromotion: [
      { body: { kind: "traffic", endpoint: "e", traffic: { model, variants: [variant], sticky: { header: "x-user-id", field: "user" }, strategy: "canary", canary: { steps: [10], bakeSeconds: 1, maxErrorRate: 0.1, maxP95Ms: 100, minRequests: 1 }, blueGreen: { rollbackWindowSeconds: 1 }, reason: "r", expectedRoutingVersion: 1 }, reason: "r" } },
      { body: { kind: "alias", model, alias: "champion", version: 1, reason: "r" } },
    ],
    listPromotions: { query: { status: "pending_approval", endpoint: "e", limit: "10", cursor: "abc" } },
    getPromotion: { path: { id: "abc" } },
    approvePromotion: { path: { id: "abc" }, body: { comment: "c" } },
    rejectPromotion: { path: { id: "abc" }, body: { comment: "c" } },
    cancelPromotion: { path: { id: "abc" }, body: { comment: "c" } },
    getPolicy: { path: { environment: "production" } },
    // Slack's click, signed (the response_url is on no allowed origin: nothing is ever posted)
    slackInteraction: {
      payload: { type: "block_actions", user: { id: "U0HOSTILE" }, actions: [{ action_id: "promotion_approve", value: "abc" }], response_url: "https://hooks.example.test/actions/1" },
    },
    putPolicy: {
      path: { environment: "staging" },
      body: { requiredApprovals: 1, fourEyes: true, approverRole: "approver", protectedAliases: ["champion"], requiredStrategy: "canary", expiryHours: 72, gates: { metrics: ["auc >= 0.7"], signature: true, shadow: { minRequests: 10, maxMeanAbsDiff: 0.1 } } },
    },
    createChannel: { body: { name: "c", kind: "webhook", url: "http://127.0.0.1:9/in", secret: "0123456789abcdef", routingKey: "k", eventsUrl: "http://127.0.0.1:9/e", events: ["version.created"] } },
    deleteChannel: { path: { id: "abc" } },
    testChannel: { path: { id: "abc" } },
    listDeliveries: { query: { status: "failed", channel: "abc", limit: "10", cursor: "abc" } },
    redeliverDelivery: { path: { id: "abc" } },
    createAlertRule: { path: { endpoint: "e" }, body: { name: "n", metric: "feature_psi", feature: "age", variant: "v", operator: ">", threshold: 0.2, windowSeconds: 300, forSeconds: 60, severity: "warning", channels: ["abc"], enabled: true } },
    listAlertRules: { path: { endpoint: "e" } },
    updateAlertRule: { path: { endpoint: "e", id: "abc" }, body: { name: "n", metric: "feature_psi", feature: "age", variant: "v", operator: ">", threshold: 0.2, windowSeconds: 300, forSeconds: 60, severity: "warning", channels: ["abc"], enabled: true } },
    deleteAlertRule: { path: { endpoint: "e", id: "abc" } },
    silenceAlertRule: { path: { endpoint: "e", id: "abc" }, body: { until: "2030-01-01T00:00:00Z", reason: "r" } },
    unsilenceAlertRule: { path: { endpoint: "e", id: "abc" } },
    listAlerts: { query: { state: "firing", endpoint: "e", limit: "10" } },
  };
}

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: JsonSchema | boolean; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

/** Every string and integer the schema takes, and every record key, as paths into a request part. */
function leaves(schema: z.ZodType): Leaf[] {
  const json = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;
  const out = new Map<string, Leaf>();
  const walk = (s: JsonSchema, at: (string | number)[]) => {
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(branch, at);
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.includes("string")) out.set(`s:${at.join(".")}`, { path: at, kind: "string" });
    if (types.includes("integer")) out.set(`i:${at.join(".")}`, { path: at, kind: "integer" });
    if (types.includes("array") && s.items) walk(s.items, [...at, 0]);
    if (types.includes("object")) {
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, [...at, k]);
      if (s.additionalProperties && typeof s.additionalProperties === "object") {
        out.set(`k:${at.join(".")}`, { path: at, kind: "key" });
        walk(s.additionalProperties, [...at, "*"]);
      }
    }
  };
  walk(json, []);
  return [...out.values()];
}

const variantsOf = (b: Baseline | Baseline[]): Baseline[] => (Array.isArray(b) ? b : [b]);

/** Whether the leaf is in this baseline (a union branch without it is not walked there). */
function reaches(base: unknown, leaf: Leaf): boolean {
  let node = base;
  for (const step of leaf.path) {
    if (node === null || typeof node !== "object") return false;
    node = step === "*" ? Object.values(node)[0] : (node as Record<string | number, unknown>)[step];
  }
  return node !== undefined;
}

/** The baseline with one field replaced ("*" is the record's first key); a "key" leaf renames the record's first key. */
function mutate(base: unknown, leaf: Leaf, value: unknown): unknown {
  type Node = Record<string | number, unknown>;
  const root: Node = { v: structuredClone(base ?? {}) };
  let node = root;
  let key: string | number = "v";
  for (const step of leaf.path) {
    if (node[key] === undefined || node[key] === null) node[key] = typeof step === "number" ? [] : {};
    node = node[key] as Node;
    key = step === "*" ? (Object.keys(node)[0] ?? "k") : step;
  }
  if (leaf.kind === "key") {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    const record = node[key] as Node;
    const first = Object.keys(record)[0];
    const entry = first === undefined ? 1 : record[first];
    if (first !== undefined) delete record[first];
    record[value as string] = entry;
  } else {
    node[key] = value;
  }
  return root.v;
}

/** The route file of a contract: /api/v1/models/{model} → app/api/v1/models/[model]/route.ts. */
async function handlerOf(c: Contract) {
  const file = path.join(process.cwd(), "app", ...c.path.split("/").filter(Boolean).map((s) => s.replace(/^\{(.+)\}$/, "[$1]")), "route.ts");
  const mod = (await import(/* @vite-ignore */ file)) as Record<string, Parameters<typeof call>[0]>;
  const h = mod[c.method];
  if (!h) throw new Error(`${file} has no ${c.method}`);
  return h;
}

function partSchemas(name: string, c: Contract): [Where, z.ZodType][] {
  const parts: [Where, z.ZodType][] = [];
  if (c.params) parts.push(["path", c.params]);
  if (c.query) parts.push(["query", c.query]);
  if (c.body) parts.push(["body", c.body]);
  if (c.multipart?.metadata) {
    if (name !== "createVersion") throw new Error(`${name}: a multipart contract this test does not know; add its metadata schema here`);
    parts.push(["metadata", versionMetadataSchema]);
  }
  if (c.rawForm) {
    if (name !== "slackInteraction") throw new Error(`${name}: a form contract this test does not know; add its payload schema here`);
    parts.push(["payload", interactionPayloadSchema]);
  }
  return parts;
}

describe("API input: hostile values in any field get 400, never 500", () => {
  let model: string;
  beforeAll(async () => {
    model = await freshModel("hostile");
    const v1 = await push(model, uniqueModel(), {});
    expect(v1.status, JSON.stringify(v1.json)).toBe(201);
  });

  it("has a valid baseline request for every contract that takes input", () => {
    const b = baselines("m");
    const missing = NAMED_CONTRACTS.filter(([name, c]) => partSchemas(name, c).length && !b[name]).map(([name]) => name);
    expect(missing, "add a baseline request for these contracts").toEqual([]);
    for (const [name, c] of NAMED_CONTRACTS) {
      for (const [where, schema] of partSchemas(name, c)) {
        for (const base of variantsOf(b[name])) {
          const r = schema.safeParse(base[where]);
          expect(r.success, `${name} ${where}: ${r.error?.message}`).toBe(true);
        }
      }
    }
  });

  it("answers 400 naming the field to a NUL, a lone surrogate or 2^31 in every string, key and integer of every route", async () => {
    // Generic over the schemas (their JSON Schema gives every string, integer and record key); the
    // hand-written part is one valid request per contract (baselines above), so that each 400 can be
    // checked to name the one field that was made hostile, not some other missing field.
    const b = baselines(model);
    const failures: string[] = [];
    let tried = 0;
    for (const [name, c] of NAMED_CONTRACTS) {
      const parts = partSchemas(name, c);
      if (!parts.length) continue;
      const handler = await handlerOf(c);
      for (const [where, schema] of parts) {
        for (const leaf of leaves(schema)) for (const base of variantsOf(b[name])) {
          // with several baselines (union branches), a leaf is walked in the branches that have its parent
          if (Array.isArray(b[name]) && !reaches(base[where], leaf)) {
            if (!variantsOf(b[name]).some((x) => reaches(x[where], leaf))) failures.push(`${name} ${[where, ...leaf.path].join(".")}: no baseline reaches it`);
            continue;
          }
          // a URL cannot carry a lone surrogate (it is UTF-8), so paths and queries get NUL only
          const values: unknown[] = leaf.kind === "integer" ? [where === "path" || where === "query" ? String(INT_OVER) : INT_OVER] : where === "path" || where === "query" ? [NUL] : [NUL, SURROGATE];
          for (const value of values) {
            tried++;
            const req = { ...base, [where]: mutate(base[where], leaf, value) } as Baseline;
            const params = req.path ?? {};
            const url = c.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(params[p] ?? "")) + (req.query ? `?${new URLSearchParams(req.query)}` : "");
            // a token where tokens may act; the admin's session (same-origin, JSON) where only people may
            const auth = c.auth !== "public" && ruleOf(c.auth.action).token === false
              ? { cookie: w.people.admin.cookie, headers: { "x-switchyard-team": w.slug, origin: ORIGIN } }
              : { token: w.tokens.all };
            const form = c.rawForm ? slackForm(req.payload) : "";
            const r = c.multipart
              ? await call(handler, c.method, url, { ...auth, params, rawBody: multipart(uniqueModel(), req.metadata) })
              : c.rawForm
                ? await call(handler, c.method, url, { params, rawBody: form, headers: slackHeaders(form) })
                : await call(handler, c.method, url, { ...auth, params, body: req.body });
            // the error names the field (inside a record, the record: its key is the hostile value)
            const star = leaf.path.indexOf("*");
            const expected = [where, ...(star < 0 ? leaf.path : leaf.path.slice(0, star))].join(".");
            const field: string = r.json?.error?.field ?? "";
            const label = `${name} ${[where, ...leaf.path].join(".")} (${leaf.kind}) = ${JSON.stringify(value)}`;
            if (r.status !== 400) failures.push(`${label} → ${r.status} ${JSON.stringify(r.json)}`);
            else if (r.json.error.code !== "bad_request" || !(field === expected || field.startsWith(`${expected}.`))) failures.push(`${label} → 400 about another field: ${JSON.stringify(r.json)}`);
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(60);
    expect(failures, failures.join("\n")).toEqual([]);
  }, 120_000);

  it("refuses a NUL deep inside a stored JSON value (referenceProfile) with 400", async () => {
    const r = await push(model, uniqueModel(), { referenceProfile: { age: { bins: [{ label: "x\u0000" }] } } });
    expect(r.status, JSON.stringify(r.json)).toBe(400);
    expect(r.json.error.field).toMatch(/^metadata\.referenceProfile/);
  });
});

describe("API input: hostile reference data (the `reference` part) gets 400 naming it, never 500", () => {
  it("refuses bytes that are not UTF-8, NULs and lone surrogates, over-long and deeply nested rows, prototype keys", async () => {
    const model = await freshModel("hostile-ref");
    const pushRef = (reference: Uint8Array | string) => {
      const form = multipart(uniqueModel(), {});
      form.set("reference", new Blob([typeof reference === "string" ? reference : Buffer.from(reference)]), "reference.csv");
      return call(versions.POST, "POST", `/api/v1/models/${model}/versions`, { token: w.tokens.write, rawBody: form, params: { model } });
    };
    const cases: [string, Uint8Array | string, RegExp][] = [
      ["invalid UTF-8", Buffer.from([0x78, 0x0a, 0x31, 0x0a, 0xc3, 0x28, 0x0a]), /^reference: the file is not UTF-8 text/],
      ["UTF-8 of a surrogate (CESU-8)", Buffer.concat([Buffer.from("x\n"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("\n")]), /^reference: the file is not UTF-8 text/],
      ["a NUL in a number", "x\n1\u00002\n", /^reference row 1: column "x" must be a number/],
      ["a lone surrogate in JSON Lines", '{"x": "\\ud800"}\n', /^reference row 1: column "x" must be a number/],
      ["a row longer than 1 MiB", `x\n${"1".repeat(1024 * 1024 + 10)}\n`, /longer than 1048576 characters/],
      ["a JSON line nested 100,000 deep", `{"x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}\n`, /^reference row 1: (not valid JSON|column "x" must be a number)/],
      ["only prototype keys", '{"__proto__": {"x": 1}, "constructor": 2}\n', /^reference: column "x" is missing/],
      ["a number too large", "x\n1e999\n", /^reference row 1: column "x" must be a finite number/],
      ["hex", "x\n0x10\n", /^reference row 1: column "x" must be a number, not "0x10"/],
    ];
    for (const [label, data, message] of cases) {
      const r = await pushRef(data);
      expect(r.status, `${label}: ${JSON.stringify(r.json).slice(0, 300)}`).toBe(400);
      expect(r.json.error.field, label).toBe("reference");
      expect(r.json.error.message, label).toMatch(message);
      expect(r.json.error.message, label).not.toContain(ARTIFACT_DIR);
    }
  }, 120_000);
});

describe("API input: deep or large JSON costs one pass, never a stall or a 500", () => {
  let model: string;
  beforeAll(async () => { model = await freshModel("deep"); });

  it("refuses metadata and bodies nested deeper than 32 levels unparsed, with 400", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const meta = await push(model, uniqueModel(), `{"referenceProfile":{"x":${deep(3000)}}}`);
    expect(meta.status, JSON.stringify(meta.json)).toBe(400);
    expect(meta.json.error.message).toMatch(/^metadata: nests arrays and objects deeper than 32 levels/);
    const body = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, rawBody: `{"name":"deep","description":${deep(5000)}}`, headers: { "content-type": "application/json" } });
    expect(body.status, JSON.stringify(body.json)).toBe(400);
    expect(body.json.error.message).toMatch(/deeper than 32 levels/);
  });

  it("checks a wide reference profile (300,000 values, 30 levels deep) in well under a second per megabyte", async () => {
    let nested: unknown = Array.from({ length: 300_000 }, () => 0);
    for (let i = 0; i < 28; i++) nested = { [`level${i}`]: nested };
    const started = performance.now();
    const r = await push(model, uniqueModel(), { referenceProfile: { x: nested } });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(201);
    expect(performance.now() - started).toBeLessThan(15_000); // upload validation (~1 s) included; the old walk took tens of seconds
  }, 30_000);
});

describe("API input: JSON bodies have a size limit", () => {
  it("answers 413 to a declared or streamed body over API_MAX_JSON_BYTES, without reading it all", async () => {
    const limit = 1024 * 1024; // the default
    const big = JSON.stringify({ name: "too-big", description: "x".repeat(limit + 10) });
    const declared = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, rawBody: big, headers: { "content-type": "application/json" } });
    expect(declared.status, JSON.stringify(declared.json)).toBe(413);
    expect(declared.json.error.code).toBe("payload_too_large");
    expect(declared.json.error.message).toMatch(/API_MAX_JSON_BYTES/);

    // no content-length: a chunked body of up to 64 MiB, produced only as fast as it is read
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (pulled >= 64 * 1024 * 1024) return ctl.close();
        pulled += chunk.length;
        ctl.enqueue(pulled === chunk.length ? new TextEncoder().encode(`{"name":"x","description":"${" ".repeat(chunk.length - 28)}`) : chunk);
      },
    });
    const streamed = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, rawBody: stream, headers: { "content-type": "application/json" } });
    expect(streamed.status, JSON.stringify(streamed.json)).toBe(413);
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    expect(await db.model.count({ where: { teamId: w.teamId, name: { in: ["too-big", "x"] } } })).toBe(0);
  });
});

describe("API errors never show server paths", () => {
  it("answers 422 to broken models without a file path in the message", async () => {
    const name = await freshModel("broken");
    const unknownOp = (() => {
      const g = new GraphBuilder("broken");
      const x = g.input("x", DataType.FLOAT, ["N", 1]);
      g.node("NoSuchOp", [x], [], undefined, "y");
      g.output("y", DataType.FLOAT, ["N", 1]);
      return g.toBytes();
    })();
    for (const bytes of [new TextEncoder().encode("not a model, just text"), unknownOp]) {
      const r = await push(name, bytes, {});
      expect(r.status, JSON.stringify(r.json)).toBe(422);
      const message: string = r.json.error.message;
      expect(message).toMatch(/not a loadable ONNX model/);
      expect(message).not.toContain(ARTIFACT_DIR);
      expect(message).not.toContain(os.tmpdir());
      expect(message, message).not.toMatch(/(^|[\s"'(=:])\/[^\s/]+\//);
    }
  });

  it("strips every kind of server path from any error message the API shapes", async () => {
    const messages = [
      "Load model from /srv/switchyard/.data/artifacts/tmp/3f2a.part failed:Protobuf parsing failed.",
      "at (/onnxruntime_src/onnxruntime/core/graph/model.cc:123) while loading",
      "Load model from .data/artifacts/tmp/3f2a.part failed",
      "cannot open ./models/x.onnx or ../x.onnx or ~/x.onnx",
      "cannot open file:///var/lib/x.onnx",
      "cannot open C:\\data\\x.onnx",
    ];
    for (const m of messages) {
      const r = await errorResponse(new AppError("unprocessable", m), "metadata").json() as { error: { message: string } };
      expect(r.error.message, m).toContain("<path>");
      expect(r.error.message, m).not.toMatch(/\/[\w.-]+\/|\\[\w.-]+\\|\.data|\.part|\.onnx/);
    }
    // words with a slash that are not paths stay as they are
    const plain = "requests/s, multipart/form-data, 1/2: use '-', '_' or '.'";
    expect((await errorResponse(new AppError("bad_request", plain)).json() as { error: { message: string } }).error.message).toBe(plain);
  });
});
