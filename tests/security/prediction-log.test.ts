// Issue 7, finding 2: a poisoned prediction log. With real processes (inference worker, gateway, job
// workers, Redis, Postgres): strings Postgres cannot store are refused at the gateway; a record that
// reaches the stream anyway (an older or compromised gateway) is dead-lettered while everything else
// commits; a canary never passes on silence, and each canary variant is judged on its own traffic;
// the metrics API compares string shadow outputs instead of failing.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { REDIS_KEYS } from "@/lib/redis-keys";
import { attr, GraphBuilder, ML_DOMAIN } from "@/lib/onnx/graph-builder";
import { IngestConsumer } from "@/lib/serving/data/prediction-log/ingest-consumer";
import { DataType } from "@/lib/onnx/proto";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { call, multipart } from "../helpers/call";
import { makeWorld, type World } from "../helpers/world";
import { servingRoutes, type ServingRoutes } from "../helpers/serving-routes";
import { brokenModel, trained } from "../helpers/models";
import { freePort } from "../helpers/processes";
import { startCluster, stopProcess, waitFor, type Cluster } from "../helpers/serving-cluster";
import { loggedRecords } from "../helpers/logged";

const db = getDb();
let cluster: Cluster;
let redis: Redis;
let jobsPort: number;
let w: World;
let other: World;
let routes: ServingRoutes & {
  metrics: typeof import("@/app/api/v1/endpoints/[endpoint]/metrics/route");
  deadLetters: typeof import("@/app/api/v1/dead-letters/route");
};
let v1: number, v2: number, vBroken: number, label1: number, label2: number;

const rows = () => trained().testRows;
const instance = (i: number) => rows()[i % rows().length];

/** A model with the German-credit inputs whose only output is a string: the `purpose` it was given. */
function labelModel(name: string): Uint8Array {
  const { spec } = trained();
  const g = new GraphBuilder(name);
  for (const f of spec.numeric) g.input(f.name, DataType.FLOAT, ["N", 1]);
  for (const c of spec.categorical) g.input(c.name, DataType.STRING, ["N", 1]);
  g.node("Identity", ["purpose"], [], undefined, "label");
  g.output("label", DataType.STRING, ["N", 1]);
  return g.toBytes();
}

/** The same inputs; its output `label` is LabelEncoder's answer for `purpose`: the purpose with a NUL and a tail. */
function nulLabelModel(): Uint8Array {
  const { spec } = trained();
  const purposes = [...new Set(rows().map((r) => String(r.purpose)))];
  const g = new GraphBuilder("nul-labels");
  for (const f of spec.numeric) g.input(f.name, DataType.FLOAT, ["N", 1]);
  for (const c of spec.categorical) g.input(c.name, DataType.STRING, ["N", 1]);
  g.node("LabelEncoder", ["purpose"], [attr.strings("keys_strings", purposes), attr.strings("values_strings", purposes.map((p) => `${p}\u0000tail`))], ML_DOMAIN, "label");
  g.output("label", DataType.STRING, ["N", 1]);
  return g.toBytes();
}

async function push(world: World, model: string, bytes: Uint8Array) {
  const r = await call(routes.versions.POST, "POST", `/api/v1/models/${model}/versions`, { token: world.tokens.write, rawBody: multipart(bytes, { metrics: {} }), params: { model } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number as number;
}

async function setTraffic(world: World, endpoint: string, body: object) {
  return call(routes.traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: world.tokens.deploy, body: { model: "credit", ...body }, params: { endpoint } });
}

const finished = (id: string, timeoutMs = 60_000) =>
  waitFor(`deployment ${id}`, async () => {
    const x = await db.deployment.findUnique({ where: { id } });
    return x && ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
  }, timeoutMs, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });

/** A new endpoint of this test's own, deployed (immediate) to `variants`. */
async function freshEndpoint(world: World, prefix: string, variants: object[], model = "credit"): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const c = await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { token: world.tokens.deploy, body: { name } });
  expect(c.status, JSON.stringify(c.json)).toBe(201);
  const r = await setTraffic(world, name, { model, variants });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const d = await finished(r.json.id);
  expect(d.status, `${d.error} ${d.rollbackReason}`).toBe("succeeded");
  return name;
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${cluster.gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

async function predict(endpoint: string, instances: object[], headers: Record<string, string> = {}) {
  const res = await post(`/v1/endpoints/${endpoint}/predict`, { instances }, headers);
  return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function inParallel<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) { const i = next++; out[i] = await fn(i); } }));
  return out;
}

const logged = async (requestIds: string[]) => (await loggedRecords(db, { requestIds })).length;

/** The job workers' Prometheus figures, by metric name (no labels). */
async function jobsMetrics(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${jobsPort}/metrics`)).text();
  return Object.fromEntries(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => { const [k, v] = l.split(" "); return [k, Number(v)]; }));
}

const deadLettersOf = (world: World, who: "admin" | "engineer" = "admin", query = "") =>
  call(routes.deadLetters.GET, "GET", `/api/v1/dead-letters${query}`, { cookie: world.people[who].cookie, headers: { "x-switchyard-team": world.slug } });

beforeAll(async () => {
  jobsPort = await freePort();
  cluster = await startCluster({ workers: 1, jobsEnv: { JOBS_PORT: String(jobsPort) } });
  process.env.REDIS_URL = cluster.redis.url; // the web's clients (dead-letter reads) use the cluster's Redis
  redis = new Redis(cluster.redis.url, { maxRetriesPerRequest: 3 });
  routes = {
    ...(await servingRoutes()),
    metrics: await import("@/app/api/v1/endpoints/[endpoint]/metrics/route"),
    deadLetters: await import("@/app/api/v1/dead-letters/route"),
  };
  w = await makeWorld("plog");
  other = await makeWorld("plog-other");
  for (const [world, model] of [[w, "credit"], [w, "labels"], [other, "credit"]] as const) {
    expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: world.tokens.write, body: { name: model } })).status).toBe(201);
  }
  v1 = await push(w, "credit", trained("logistic_regression").onnx);
  v2 = await push(w, "credit", trained("mlp").onnx);
  vBroken = await push(w, "credit", brokenModel());
  label1 = await push(w, "labels", labelModel("labels-a"));
  label2 = await push(w, "labels", labelModel("labels-b"));
  await push(other, "credit", trained("logistic_regression").onnx);
}, 180_000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

describe("the gateway refuses strings Postgres could not store", () => {
  it("answers 400 naming the input for a NUL character or a lone surrogate, in OIP BYTES data and in instances, in any position", async () => {
    const endpoint = await freshEndpoint(w, "nul", [{ version: v1, weight: 100 }]);
    const row = instance(0);
    const oip = (purpose: unknown[]) => ({
      inputs: Object.entries(row).map(([name, v]) => ({
        name, shape: [purpose.length, 1], datatype: typeof v === "number" ? "FP32" : "BYTES", data: name === "purpose" ? purpose : purpose.map(() => v),
      })),
    });
    const cases: [string, unknown, RegExp][] = [
      [`/v2/models/${endpoint}/infer`, oip(["car\u0000"]), /^input "purpose": value 0 holds a NUL character/],
      [`/v2/models/${endpoint}/infer`, oip([row.purpose, row.purpose, "\u0000"]), /^input "purpose": value 2 holds a NUL character/],
      [`/v2/models/${endpoint}/infer`, oip(["radio\ud800tv"]), /^input "purpose": value 0 holds a lone UTF-16 surrogate/],
      [`/v2/models/${endpoint}/infer`, oip([row.purpose, "\udc00"]), /^input "purpose": value 1 holds a lone UTF-16 surrogate/],
      [`/v1/endpoints/${endpoint}/predict`, { instances: [{ ...row, purpose: "car\u0000" }] }, /^input "purpose": value 0 holds a NUL character/],
      [`/v1/endpoints/${endpoint}/predict`, { instances: [row, { ...row, purpose: "\ud83d" }] }, /^input "purpose": value 1 holds a lone UTF-16 surrogate/],
    ];
    const ids: string[] = [];
    for (const [path, body, msg] of cases) {
      const id = `poison-${randomUUID()}`;
      ids.push(id);
      const r = await post(path, body, { "x-request-id": id });
      const json = await r.json();
      expect(r.status, `${path} ${JSON.stringify(json)}`).toBe(400);
      expect(json.error.code).toBe("bad_request");
      expect(json.error.message).toMatch(msg);
    }
    // an emoji (a surrogate pair) is text like any other
    const ok = await predict(endpoint, [{ ...row, purpose: "car 🚗" }], { "x-request-id": `ok-${randomUUID()}` });
    expect(ok.status).toBe(200);
    expect(await logged(ids)).toBe(0);
  }, 90_000);
});

describe("ingest never lets one record block the others", () => {
  it("dead-letters a poisoned record written straight into the stream; the rest of its entry and batch commit; admins of its team see it", async () => {
    const mine = await freshEndpoint(w, "ingest", [{ version: v1, weight: 100 }]);
    const theirs = await freshEndpoint(other, "ingest-other", [{ version: 1, weight: 100 }]);
    const [a, b] = await Promise.all([mine, theirs].map((name) => db.endpoint.findFirstOrThrow({ where: { name } })));
    const variant = `credit-v${v1}`;
    const now = Date.now();
    const rec = (e: string, id: string, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({
      t: now, e, v: variant, n: v1, id, s: 200, l: 1.5, sh: false, r: 1, in: { purpose: ["car"], age: [33] }, out: { probability: [0.25] }, ...extra,
    });
    const tag = randomUUID().slice(0, 8);
    const good = [`g1-${tag}`, `g2-${tag}`, `g3-${tag}`, `g4-${tag}`, `g5-${tag}`];
    const entry1 = [rec(a.id, good[0]), rec(a.id, `nul-${tag}`, { in: { purpose: ["car\u0000"], age: [33] } }), rec(a.id, good[1]), rec(a.id, `sur-${tag}`, { out: { label: ["\ud800"] } })];
    const entry2 = [rec(a.id, good[2]), rec(b.id, `theirs-${tag}`, { err: "bad\u0000", s: 500 }), rec(a.id, good[3])];
    const entry3 = [rec(b.id, good[4])];
    const before = await jobsMetrics();
    // one MULTI: the consumer reads all four entries in one batch, as it would from a busy gateway
    await redis.multi()
      .xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify(entry1))
      .xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify(entry2))
      .xadd(REDIS_KEYS.predictionStream, "*", "r", "{not json")
      .xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify(entry3))
      .exec();

    await waitFor("the good records stored", async () => (await logged(good)) === good.length, 30_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
    expect(await logged([`nul-${tag}`, `sur-${tag}`, `theirs-${tag}`])).toBe(0);
    const rollup = await db.metricRollup.findMany({ where: { endpointId: a.id, variant } });
    expect(rollup.reduce((s, r) => s + r.count, 0)).toBe(4); // only inserted rows are counted

    // every entry is acknowledged: nothing is left pending to be retried forever
    await waitFor("entries acknowledged", async () => {
      const pending = (await redis.xpending(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup)) as [number, ...unknown[]];
      return pending[0] === 0;
    }, 10_000, 200);

    // visible in the job workers' /metrics
    const after = await waitFor("dead-letter metrics", async () => {
      const m = await jobsMetrics();
      return m.switchyard_predictions_dead_lettered_total - (before.switchyard_predictions_dead_lettered_total ?? 0) === 4 ? m : null;
    }, 10_000, 200);
    expect(after.switchyard_predictions_dead_letter_stream_length).toBe((before.switchyard_predictions_dead_letter_stream_length || 0) + 4);

    // and through the REST route, to the admins of the team whose endpoint the record names, only
    const mineSeen = await deadLettersOf(w);
    expect(mineSeen.status, JSON.stringify(mineSeen.json)).toBe(200);
    const byRequest = Object.fromEntries(mineSeen.json.deadLetters.map((d: { requestId: string }) => [d.requestId, d]));
    expect(Object.keys(byRequest).sort()).toEqual([`nul-${tag}`, `sur-${tag}`].sort());
    expect(byRequest[`nul-${tag}`]).toMatchObject({ endpoint: mine, variant, version: v1, recordTime: new Date(now).toISOString() });
    // screened before any write, with where the string is
    expect(byRequest[`nul-${tag}`].reason).toBe("not storable: in.purpose[0] holds a NUL character (\\u0000)");
    expect(byRequest[`sur-${tag}`].reason).toBe("not storable: out.label[0] holds a lone UTF-16 surrogate");
    expect(new Date(byRequest[`nul-${tag}`].at).getTime()).toBeGreaterThanOrEqual(now - 1000);
    const theirsSeen = await deadLettersOf(other);
    expect(theirsSeen.json.deadLetters.map((d: { requestId: string; endpoint: string }) => [d.requestId, d.endpoint])).toEqual([[`theirs-${tag}`, theirs]]);
    // paging: one at a time, newest first
    const first = await deadLettersOf(w, "admin", "?limit=1");
    expect(first.json.deadLetters).toHaveLength(1);
    const second = await deadLettersOf(w, "admin", `?limit=1&before=${first.json.nextBefore}`);
    expect(second.json.deadLetters).toHaveLength(1);
    expect(second.json.deadLetters[0].id).not.toBe(first.json.deadLetters[0].id);
    // engineers and API tokens do not see them
    expect((await deadLettersOf(w, "engineer")).status).toBe(403);
    expect((await call(routes.deadLetters.GET, "GET", "/api/v1/dead-letters", { token: w.tokens.all })).status).toBe(403);
    expect((await deadLettersOf(w, "admin", "?before=nope")).status).toBe(400);

    // and served traffic keeps being stored after it
    const later = await predict(mine, [instance(1)], { "x-request-id": `later-${tag}` });
    expect(later.status).toBe(200);
    await waitFor("later record stored", async () => (await logged([`later-${tag}`])) === 1, 20_000, 200);
  }, 120_000);

  it("loses and duplicates nothing, dead letters included, when the ingest consumer is killed mid-stream", async () => {
    const endpoint = await freshEndpoint(w, "ingest-kill", [{ version: v1, weight: 100 }]);
    const e = await db.endpoint.findFirstOrThrow({ where: { name: endpoint } });
    const tag = randomUUID().slice(0, 8);
    const n = 400;
    const rec = (id: string, purpose: string): PredictionRecord => ({ t: Date.now(), e: e.id, v: `credit-v${v1}`, n: v1, id, s: 200, l: 1, sh: false, r: 1, in: { purpose: [purpose] }, out: { probability: [0.5] } });
    const lengthBefore = await redis.xlen(REDIS_KEYS.deadLetterStream);
    const pipeline = redis.pipeline();
    for (let i = 0; i < n; i++) pipeline.xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify([rec(`ok-${tag}-${i}`, "car"), rec(`bad-${tag}-${i}`, "car\u0000")]));
    await pipeline.exec();
    await waitFor("some dead-lettered", async () => (await redis.xlen(REDIS_KEYS.deadLetterStream)) > lengthBefore, 30_000, 20);
    await stopProcess(cluster.procs.jobs, "SIGKILL");
    cluster.startJobs();
    const ids = Array.from({ length: n }, (_, i) => `ok-${tag}-${i}`);
    await waitFor(`${n} stored`, async () => (await logged(ids)) === n, 90_000, 500).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
    await waitFor(`${n} dead-lettered`, async () => (await redis.xlen(REDIS_KEYS.deadLetterStream)) - lengthBefore >= n, 30_000, 200);
    await new Promise((r) => setTimeout(r, 2_000)); // a duplicate would arrive by now
    expect(await logged(ids)).toBe(n);
    expect((await db.metricRollup.findMany({ where: { endpointId: e.id } })).reduce((s, r) => s + r.count, 0)).toBe(n);
    const dead = (await redis.xrange(REDIS_KEYS.deadLetterStream, "-", "+")).map(([, f]) => f[f.indexOf("requestId") + 1]).filter((id) => id.startsWith(`bad-${tag}-`));
    expect(dead).toHaveLength(n);
    expect(new Set(dead).size).toBe(n);
  }, 180_000);
});

describe("model outputs Postgres could not store (a NUL a model returns)", () => {
  it("answers the client as the model answered and stores the record with the output JSON-escaped, never dead-lettered", async () => {
    expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "nul-labels" } })).status).toBe(201);
    const version = await push(w, "nul-labels", nulLabelModel());
    const endpoint = await freshEndpoint(w, "nulout", [{ version, weight: 100 }], "nul-labels");
    const row = instance(0);
    const tag = randomUUID().slice(0, 8);
    const deadBefore = await redis.xlen(REDIS_KEYS.deadLetterStream);
    const viaPredict = await predict(endpoint, [row, instance(1)], { "x-request-id": `nulout-p-${tag}` });
    expect(viaPredict.status, JSON.stringify(viaPredict.json)).toBe(200);
    expect(viaPredict.json.predictions).toEqual([`${row.purpose}\u0000tail`, `${instance(1).purpose}\u0000tail`]);
    const oip = await post(`/v2/models/${endpoint}/infer`, {
      inputs: Object.entries(row).map(([name, v]) => ({ name, shape: [1, 1], datatype: typeof v === "number" ? "FP32" : "BYTES", data: [v] })),
    }, { "x-request-id": `nulout-o-${tag}` });
    expect(oip.status).toBe(200);
    expect((await oip.json()).outputs[0]).toMatchObject({ name: "label", datatype: "BYTES", data: [`${row.purpose}\u0000tail`] });

    const ids = [`nulout-p-${tag}`, `nulout-o-${tag}`];
    await waitFor("both records stored", async () => (await logged(ids)) === 2, 30_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
    const stored = await loggedRecords(db, { requestIds: [ids[0]] });
    expect(stored[0].outputs!.label).toEqual([`${row.purpose}\\u0000tail`, `${instance(1).purpose}\\u0000tail`]);
    const dead = (await redis.xrange(REDIS_KEYS.deadLetterStream, "-", "+")).slice(deadBefore).map(([, f]) => f[f.indexOf("requestId") + 1]);
    expect(dead.filter((id) => ids.includes(id))).toEqual([]);
  }, 120_000);
});

describe("ingest screens records before writing them", () => {
  /** Runs an ingest consumer of this test's own (a Redis database of its own, the same Postgres) over `records`; counts its write transactions. */
  async function ingestCounting(db1: Redis, records: PredictionRecord[]): Promise<{ writes: number; consumer: IngestConsumer }> {
    await db1.flushdb();
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    let writes = 0;
    // every write is one transaction on a connection of its own (write-batch.ts): count the connections taken
    const counting = Object.assign(Object.create(pool) as Pool, { connect: () => { writes++; return pool.connect(); }, query: pool.query.bind(pool) });
    const pipeline = db1.pipeline();
    for (let i = 0; i < records.length; i += 100) pipeline.xadd(REDIS_KEYS.predictionStream, "*", "r", JSON.stringify(records.slice(i, i + 100)));
    await pipeline.exec();
    const consumer = new IngestConsumer(db1, counting, { consumer: "screen-test", batchEntries: 200 });
    consumer.start();
    try {
      await waitFor("all handled", async () => consumer.ingested + consumer.deadLettered === records.length, 60_000, 100);
    } finally {
      await consumer.stop();
      await pool.end();
    }
    return { writes, consumer };
  }

  it("dead-letters 2,000 poisoned records without bisecting: no more write transactions than 2,000 clean ones, one Redis key to remember them", async () => {
    const e = await db.endpoint.findFirstOrThrow({ where: { team: { slug: w.slug } } });
    const db1 = new Redis(cluster.redis.url, { db: 1, maxRetriesPerRequest: 3 });
    try {
      const tag = randomUUID().slice(0, 8);
      const rec = (id: string, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({ t: Date.now(), e: e.id, v: "screen", n: 1, id, s: 200, l: 1, sh: false, r: 1, in: { purpose: ["car"] }, out: { label: ["ok"] }, ...extra });
      const n = 2000;
      const clean = await ingestCounting(db1, Array.from({ length: n }, (_, i) => rec(`clean-${tag}-${i}`)));
      expect(clean.consumer.ingested).toBe(n);
      // every kind of string in a record: outputs, inputs, the error, the variant, the request id, a column name
      const poisons: Partial<PredictionRecord>[] = [
        { out: { label: ["a\u0000b"] } }, { out: { label: ["\ud800"] } }, { in: { purpose: ["car\u0000"] } }, { err: "boom\u0000", s: 500 },
        { v: "screen\u0000" }, { out: { ["la\u0000bel"]: ["x"] } },
      ];
      const poisoned = await ingestCounting(db1, Array.from({ length: n }, (_, i) => rec(`poison-${tag}-${i}`, poisons[i % poisons.length])));
      expect(poisoned.consumer.deadLettered).toBe(n);
      expect(poisoned.consumer.ingested).toBe(0);
      // bisecting took about two transactions per poisoned record (~4,000); screening takes none
      expect(poisoned.writes).toBeLessThanOrEqual(clean.writes);
      const dead = await db1.xrange(REDIS_KEYS.deadLetterStream, "-", "+");
      expect(dead).toHaveLength(n);
      const reasons = new Set(dead.map(([, f]) => f[f.indexOf("reason") + 1]));
      expect([...reasons].sort()).toEqual([
        "not storable: in.purpose[0] holds a NUL character (\\u0000)", "not storable: out.label[0] holds a NUL character (\\u0000)",
        "not storable: out.label[0] holds a lone UTF-16 surrogate", "not storable: out: a column name holds a NUL character (\\u0000)",
        "not storable: err holds a NUL character (\\u0000)", "not storable: v holds a NUL character (\\u0000)",
      ].sort());
      expect(await logged(Array.from({ length: n }, (_, i) => `poison-${tag}-${i}`))).toBe(0);
      // dead letters are remembered in one sorted set, not one key each
      expect(await db1.keys("sy:predictions:dead:seen*")).toEqual([REDIS_KEYS.deadLetterSeen]);
      expect(await db1.zcard(REDIS_KEYS.deadLetterSeen)).toBe(n);
      expect(await db1.pttl(REDIS_KEYS.deadLetterSeen)).toBeGreaterThan(0);
    } finally {
      await db1.flushdb();
      db1.disconnect();
    }
  }, 120_000);
});

describe("a canary never passes on silence", () => {
  async function canary(body: object) {
    const endpoint = await freshEndpoint(w, "canary", [{ version: v1, weight: 100 }]);
    const r = await setTraffic(w, endpoint, { strategy: "canary", ...body });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    return { endpoint, id: r.json.id as string };
  }
  const baking = (id: string) =>
    waitFor("baking", async () => {
      const x = await db.deployment.findUniqueOrThrow({ where: { id } });
      return (x.steps as { kind: string; status: string }[]).some((s) => s.kind === "bake" && s.status === "running");
    }, 30_000, 100);

  /** Until the gateway routes to these variants (it reloads its table on the shift's announcement). */
  const routed = (endpoint: string, variants: string[]) =>
    waitFor("gateway routes the canary", async () => {
      const meta = await fetch(`${cluster.gatewayUrl}/v2/models/${endpoint}`).then((r) => r.json()).catch(() => null);
      const names = new Set((meta?.variants ?? []).map((v: { name: string }) => v.name));
      return variants.every((v) => names.has(v));
    }, 10_000, 100);

  it("rolls back a canary that saw no traffic after its wait limit: not enough traffic to judge (0 of 100)", async () => {
    const { endpoint, id } = await canary({ canary: { steps: [50], bakeSeconds: 1, maxWaitSeconds: 3 }, variants: [{ version: v2, weight: 100 }] });
    const started = Date.now();
    const d = await finished(id);
    expect(d.status).toBe("rolled_back");
    expect(d.rollbackReason).toBe(`canary at 50% failed its guardrails: credit-v${v2}: not enough traffic to judge (0 of 100) after its 1 s bake and 3 s of waiting`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000); // it waited for traffic before giving up
    const e = await db.endpoint.findFirstOrThrow({ where: { name: endpoint } });
    expect((e.routing as { variants: { version: number; weight: number }[] }).variants.map((v) => [v.version, v.weight])).toEqual([[v1, 100]]);
  }, 90_000);

  it("judges each canary variant on its own traffic: one at 60 requests and 100% errors does not pass on another's 60", async () => {
    const { id } = await canary({
      canary: { steps: [50], bakeSeconds: 4, minRequests: 100, maxWaitSeconds: 3 },
      variants: [{ version: v2, weight: 50 }, { version: vBroken, weight: 50 }],
    });
    await baking(id);
    const d0 = await db.deployment.findUniqueOrThrow({ where: { id } });
    const endpoint = (await db.endpoint.findUniqueOrThrow({ where: { id: d0.endpointId } })).name;
    await routed(endpoint, [`credit-v${v2}`, `credit-v${vBroken}`]);
    const answers = await inParallel(120, 8, (i) => predict(endpoint, [instance(i)], { "x-switchyard-variant": i % 2 ? `credit-v${v2}` : `credit-v${vBroken}` }));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(60);
    expect(answers.filter((a) => a.status === 500)).toHaveLength(60);
    const d = await finished(id);
    expect(d.status).toBe("rolled_back");
    expect(d.rollbackReason).toMatch(/^canary at 50% failed its guardrails: credit-v\d+: not enough traffic to judge \(60 of 100\)/);
  }, 90_000);

  it("goes on once a canary that was short of traffic at the end of its bake gets it while it waits", async () => {
    const { endpoint, id } = await canary({ canary: { steps: [50], bakeSeconds: 1, minRequests: 30, maxWaitSeconds: 60 }, variants: [{ version: v2, weight: 100 }] });
    await baking(id);
    await waitFor("waiting for traffic", async () => {
      const x = await db.deployment.findUniqueOrThrow({ where: { id } });
      return (x.steps as { kind: string; detail?: string }[]).find((s) => s.kind === "bake")?.detail?.startsWith(`waiting for traffic: credit-v${v2}: not enough traffic to judge (0 of 30)`);
    }, 30_000, 200);
    await routed(endpoint, [`credit-v${v2}`]);
    const answers = await inParallel(30, 4, (i) => predict(endpoint, [instance(i)], { "x-switchyard-variant": `credit-v${v2}` }));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const d = await finished(id);
    expect(d.status, d.rollbackReason ?? "").toBe("succeeded");
  }, 90_000);
});

describe("the metrics API with string outputs", () => {
  it("compares shadows whose first output is a string by equality, skips pairs of different kinds, and never answers 500", async () => {
    const endpoint = await freshEndpoint(w, "labels", [
      { version: label1, weight: 100 },
      { version: label2, weight: 0, role: "shadow" },
      { model: "credit", version: v1, weight: 0, role: "shadow" },
    ], "labels");
    const answers = await inParallel(30, 4, (i) => predict(endpoint, [instance(i)]));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers[0].json.predictions).toEqual([instance(0).purpose]);
    const e = await db.endpoint.findFirstOrThrow({ where: { name: endpoint } });
    await waitFor("shadow records", async () => (await loggedRecords(db, e.id)).filter((r) => r.shadow && r.status === 200).length >= 60, 30_000, 300);
    const r = await call(routes.metrics.GET, "GET", `/api/v1/endpoints/${endpoint}/metrics`, { token: w.tokens.read, params: { endpoint } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const by = Object.fromEntries(r.json.shadows.map((s: { variant: string }) => [s.variant, s]));
    expect(by[`labels-v${label2}`]).toEqual({ variant: `labels-v${label2}`, compared: 30, meanAbsDiff: null, maxAbsDiff: null, equalShare: 1 });
    expect(by[`credit-v${v1}`]).toEqual({ variant: `credit-v${v1}`, compared: 0, meanAbsDiff: null, maxAbsDiff: null, equalShare: null });
  }, 90_000);
});
