// Variants with placement "inline": run inside the gateway's processes (worker threads), with real
// processes (a gateway and job workers; no inference worker until the comparison with worker placement).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { attr, GraphBuilder } from "@/lib/onnx/graph-builder";
import { DataType } from "@/lib/onnx/proto";
import { listGateways } from "@/lib/serving/shared/gateway-registry";
import { createRedis } from "@/lib/redis";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { servingRoutes, type ServingRoutes } from "./helpers/serving-routes";
import { trained } from "./helpers/models";
import { loopModel } from "./helpers/hostile-models";
import { parseExposition, sampleValue } from "./helpers/prometheus";
import { startCluster, waitFor, type Cluster } from "./helpers/serving-cluster";
import { clusterSecret, httpOk } from "./helpers/processes";

// the web's cap on inline model files (read when the routes first build their services)
process.env.INLINE_MAX_MODEL_MB = "1";
const BATCH_TIMEOUT_MS = 1500;

const db = getDb();
let cluster: Cluster;
let w: World;
let routes: ServingRoutes;

const rows = () => trained().testRows;

/** A valid model over 1 MiB: `y = x + 0·sum(c)` with a 300,000-value constant `c`. */
function bigModel(): Uint8Array {
  const g = new GraphBuilder("big");
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  const s = g.node("ReduceSum", [g.floats("c", [300_000], new Array(300_000).fill(0.5))], [attr.int("keepdims", 0)]);
  g.node("Add", [x, g.node("Mul", [s, g.floats("zero", [], [0])])], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

async function push(model: string, bytes: Uint8Array) {
  if (!(await db.model.findFirst({ where: { name: model, teamId: w.teamId } }))) {
    expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: model } })).status).toBe(201);
  }
  const r = await call(routes.versions.POST, "POST", `/api/v1/models/${model}/versions`, { token: w.tokens.write, rawBody: multipart(bytes, { metrics: {} }), params: { model } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number as number;
}

async function endpointWith(prefix: string, model: string, variants: object[]) {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  expect((await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name } })).status).toBe(201);
  const r = await setTraffic(name, model, variants);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const d = await waitFor(`deployment ${r.json.id}`, async () => {
    const x = await db.deployment.findUnique({ where: { id: r.json.id } });
    return x && ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
  }, 90_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
  expect(d.status, `${d.error ?? ""} ${d.rollbackReason ?? ""}\n${cluster.logs()}`).toBe("succeeded");
  return { name, deployment: d };
}

const setTraffic = (endpoint: string, model: string, variants: object[]) =>
  call(routes.traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: w.tokens.deploy, body: { model, variants }, params: { endpoint } });

async function predict(endpoint: string, instances: object[]) {
  const res = await fetch(`${cluster.gatewayUrl}/v1/endpoints/${endpoint}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ instances }) });
  return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const gatewayMetrics = async () => parseExposition(await (await fetch(`${cluster.gatewayUrl}/metrics`)).text());

let vCredit: number, vSlow: number, vBig: number;
let creditInline: string;

beforeAll(async () => {
  cluster = await startCluster({
    workers: 0,
    gatewayEnv: { INLINE_THREADS: "1", INLINE_BATCH_TIMEOUT_MS: String(BATCH_TIMEOUT_MS), INLINE_MAX_MODEL_MB: "1", INLINE_MAX_ABANDONED_THREADS: "2" },
  });
  process.env.REDIS_URL = cluster.redis.url;
  routes = await servingRoutes();
  w = await makeWorld("inl");
  vCredit = await push("credit", trained("logistic_regression").onnx);
  vSlow = await push("slow", loopModel());
  vBig = await push("big", bigModel());
  creditInline = (await endpointWith("inline", "credit", [{ version: vCredit, weight: 100, placement: "inline", batching: { maxBatch: 64, maxQueueDelayMs: 2 } }])).name;
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("inline placement", () => {
  it("deploys to a gateway with no inference worker running, and the gateway's heartbeat shows the version ready", async () => {
    const metrics = await gatewayMetrics();
    expect(sampleValue(metrics, "switchyard_gateway_inference_workers")).toBe(0);
    const d = await db.deployment.findFirstOrThrow({ where: { endpoint: { name: creditInline } }, orderBy: { createdAt: "desc" } });
    expect(JSON.stringify(d.steps)).toContain("gateway");
    const redis = createRedis(cluster.redis.url);
    try {
      const gateways = await listGateways(redis, { secret: clusterSecret() });
      const versionId = (await db.modelVersion.findFirstOrThrow({ where: { number: vCredit, model: { name: "credit", teamId: w.teamId } } })).id;
      expect(gateways.flatMap((g) => g.inline).find((s) => s.versionId === versionId)).toMatchObject({ ready: true, error: null, batched: true });
    } finally {
      redis.disconnect();
    }
    const ready = await fetch(`${cluster.gatewayUrl}/v2/models/${creditInline}/ready`);
    expect(ready.status).toBe(200);
  });

  it("batches concurrent requests (rows per batch above 1 in the gateway's metrics)", async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => predict(creditInline, [rows()[i % rows().length]])));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const m = await gatewayMetrics();
    const count = sampleValue(m, "switchyard_gateway_inline_batch_rows_count", {})!;
    const sum = sampleValue(m, "switchyard_gateway_inline_batch_rows_sum", {})!;
    expect(sum).toBeGreaterThanOrEqual(200);
    // fewer batches than rows: requests were merged
    expect(count).toBeLessThan(sum);
  });

  it("answers exactly what worker placement answers for the same version", async () => {
    const instances = rows().slice(0, 20);
    const inline = await predict(creditInline, instances);
    expect(inline.status, JSON.stringify(inline.json)).toBe(200);
    const worker = await cluster.startWorker();
    cluster.procs.workers.push(worker.p);
    await waitFor("worker", () => httpOk(`${worker.url}/healthz`), 30_000);
    const onWorker = (await endpointWith("worker", "credit", [{ version: vCredit, weight: 100 }])).name;
    const viaWorker = await predict(onWorker, instances);
    expect(viaWorker.status, JSON.stringify(viaWorker.json)).toBe(200);
    expect(inline.json.predictions).toEqual(viaWorker.json.predictions);
    expect(inline.json.model_version).toBe(vCredit);
  }, 120_000);

  it("a clustered gateway's processes listen only once they can serve the routed inline variants: the first answer is 200, not 503", async () => {
    // startGateway returns as soon as the gateway answers at all
    // the other tests count one process's inline threads
    await cluster.withGateway({ GATEWAY_PROCESSES: "2" }, async () => {
      const first = await Promise.all([predict(creditInline, [rows()[0]]), predict(creditInline, [rows()[1]])]);
      expect(first.map((a) => a.status), JSON.stringify(first.map((a) => a.json))).toEqual([200, 200]);
    });
  }, 120_000);

  it("answers 504 within its time limit for a model that runs too long, and keeps serving other endpoints", async () => {
    const slow = (await endpointWith("slow", "slow", [{ version: vSlow, weight: 100, placement: "inline" }])).name;
    expect((await predict(slow, [{ n: 1 }])).status).toBe(200);
    const started = Date.now();
    const stuck = await predict(slow, [{ n: 1_000_000 }]);
    const took = Date.now() - started;
    expect(stuck.status, JSON.stringify(stuck.json)).toBe(504);
    expect(stuck.json.error.code).toBe("model_timeout");
    expect(took).toBeLessThan(BATCH_TIMEOUT_MS + 1500);
    // a fresh thread took the stuck one's place: other endpoints, and this one, answer while it runs on
    const other = await waitFor("the other endpoint", async () => { const r = await predict(creditInline, [rows()[0]]); return r.status === 200 ? r : null; }, 30_000, 200);
    expect(other.json.predictions).toHaveLength(1);
    expect((await predict(slow, [{ n: 1 }])).status).toBe(200);
    const m = await gatewayMetrics();
    expect(sampleValue(m, "switchyard_gateway_inline_overruns_total")).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it("in a cluster, a process whose inline threads are all stuck past their limit is replaced, and inline serving goes on", async () => {
    const slow = (await endpointWith("slow-x", "slow", [{ version: vSlow, weight: 100, placement: "inline" }])).name;
    // no thread may be set aside: the first overrun leaves the process none
    await cluster.withGateway({ GATEWAY_PROCESSES: "2", INLINE_MAX_ABANDONED_THREADS: "0" }, async () => {
      const stuck = await predict(slow, [{ n: 1_000_000 }]);
      expect(stuck.status, JSON.stringify(stuck.json)).toBe(504);
      const gateway = cluster.procs.gateway!;
      await waitFor("the stuck process replaced", async () => gateway.output.join("").includes("gateway process died; starting another"), 30_000, 200);
      expect(gateway.output.join("")).toContain("inline threads exhausted");
      // both processes serve inline again (the replacement listened once its versions were loaded)
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => predict(creditInline, [rows()[i]])));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    });
  }, 120_000);

  it("a lone gateway process whose inline threads are all stuck fails its liveness check, so that its supervisor restarts it", async () => {
    const slow = (await endpointWith("slow-l", "slow", [{ version: vSlow, weight: 100, placement: "inline" }])).name;
    await cluster.withGateway({ GATEWAY_PROCESSES: "1", INLINE_MAX_ABANDONED_THREADS: "0" }, async () => {
      const live = () => fetch(`${cluster.gatewayUrl}/v2/health/live`).then(async (r) => ({ status: r.status, json: (await r.json()) as { live: boolean; reason?: string } }));
      expect((await live()).status).toBe(200);
      // a lone process listens at once (its liveness must answer): its versions load meanwhile
      await waitFor("the slow version loaded", async () => (await predict(slow, [{ n: 1 }])).status === 200, 30_000, 200);
      expect((await predict(slow, [{ n: 1_000_000 }])).status).toBe(504);
      const after = await live();
      expect(after.status).toBe(503);
      expect(after.json).toMatchObject({ live: false, reason: expect.stringContaining("inline threads exhausted") });
    });
  }, 120_000);

  it("refuses inline placement with 400 for a model over INLINE_MAX_MODEL_MB and for a gpu variant", async () => {
    const name = `big-${randomUUID().slice(0, 8)}`;
    expect((await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name } })).status).toBe(201);
    const big = await setTraffic(name, "big", [{ version: vBig, weight: 100, placement: "inline" }]);
    expect(big.status, JSON.stringify(big.json)).toBe(400);
    expect(big.json.error.field).toMatch(/variants\.0\.placement$/);
    expect(big.json.error.message).toContain("INLINE_MAX_MODEL_MB");
    const gpu = await setTraffic(name, "credit", [{ version: vCredit, weight: 100, placement: "inline", device: "gpu" }]);
    expect(gpu.status, JSON.stringify(gpu.json)).toBe(400);
    expect(gpu.json.error.field).toMatch(/variants\.0\.placement$/);
    expect(await db.deployment.count({ where: { endpoint: { name } } })).toBe(0);
  });
});
