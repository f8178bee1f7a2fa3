// The serving path with real processes: inference workers, gateway, job workers, Redis, Postgres.
// Every test makes its own endpoints (uniquely named), so any one of them runs alone with -t.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { asRouting } from "@/lib/serving/shared/routing";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { servingRoutes, type ServingRoutes } from "./helpers/serving-routes";
import { brokenModel, otherSignatureModel, trained } from "./helpers/models";
import { startCluster, stopProcess, waitFor, type Cluster } from "./helpers/serving-cluster";
import { freePort, httpOk, startProcess } from "./helpers/processes";
import { loggedRecords, type LoggedRow } from "./helpers/logged";

const db = getDb();
let cluster: Cluster;
let w: World;
let routes: ServingRoutes & {
  deployment: typeof import("@/app/api/v1/deployments/[id]/route");
  approve: typeof import("@/app/api/v1/promotions/[id]/approve/route");
};

const rows = () => trained().testRows;
const instance = (i: number) => rows()[i % rows().length];

async function push(bytes: Uint8Array) {
  const r = await call(routes.versions.POST, "POST", "/api/v1/models/credit/versions", { token: w.tokens.write, rawBody: multipart(bytes, { metrics: {} }), params: { model: "credit" } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number as number;
}

async function createEndpoint(name: string, sticky?: { header?: string; field?: string }) {
  const r = await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name, sticky } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
}

type VariantBody = { version: number; weight: number; role?: string; device?: string; replicas?: number };

/**
 * A new endpoint of this test's own, named `<prefix>-<random>`; with `variants`, deployed to them
 * (immediate) before it is returned.
 */
async function freshEndpoint(prefix: string, variants?: VariantBody[], sticky?: { header?: string; field?: string }): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await createEndpoint(name, sticky);
  if (variants) await deployed(name, { variants });
  return name;
}

async function setTraffic(endpoint: string, body: object) {
  return call(routes.traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: w.tokens.deploy, body: { model: "credit", ...body }, params: { endpoint } });
}

async function deployed(endpoint: string, body: object, expectStatus = "succeeded") {
  const r = await setTraffic(endpoint, body);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const d = await waitFor(`deployment ${r.json.id}`, async () => {
    const x = await db.deployment.findUnique({ where: { id: r.json.id } });
    return x && ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
  }, 60_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
  expect(d.status, `${d.error ?? ""} ${d.rollbackReason ?? ""}`).toBe(expectStatus);
  return d;
}

async function predict(endpoint: string, instances: object[], headers: Record<string, string> = {}) {
  const res = await fetch(`${cluster.gatewayUrl}/v1/endpoints/${endpoint}/predict`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ instances }) });
  return { status: res.status, json: (await res.json()) as any, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function inParallel<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) { const i = next++; out[i] = await fn(i); } }));
  return out;
}

const loggedCount = async (endpoint: string, where: (r: LoggedRow) => boolean = () => true) => (await loggedRecords(db, { name: endpoint })).filter(where).length;

let v1: number, v2: number, vBroken: number, vOther: number;

type Answer = Awaited<ReturnType<typeof predict>>;
let splitTraffic: Promise<{ endpoint: string; answers: Answer[] }> | undefined;
/**
 * 10,000 predictions on an endpoint split 90/10 between v1 and v2. Built once, by whichever of the
 * two tests that read it runs first (each also runs alone); nothing else touches that endpoint.
 */
function tenThousandAt90to10() {
  splitTraffic ??= (async () => {
    const endpoint = await freshEndpoint("split", [{ version: v1, weight: 90 }, { version: v2, weight: 10 }]);
    return { endpoint, answers: await inParallel(10_000, 32, (i) => predict(endpoint, [instance(i)])) };
  })();
  return splitTraffic;
}

beforeAll(async () => {
  cluster = await startCluster({ workers: 2 });
  process.env.REDIS_URL = cluster.redis.url;
  routes = {
    ...(await servingRoutes()),
    deployment: await import("@/app/api/v1/deployments/[id]/route"),
    approve: await import("@/app/api/v1/promotions/[id]/approve/route"),
  };
  w = await makeWorld("srv");
  expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } })).status).toBe(201);
  v1 = await push(trained("logistic_regression").onnx);
  v2 = await push(trained("mlp").onnx);
  vBroken = await push(brokenModel());
  vOther = await push(otherSignatureModel());
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("serving", () => {
  it("splits traffic by weight: 10,000 requests at 90/10 give 10% ± 1.5% to the minor variant", async () => {
    const { answers } = await tenThousandAt90to10();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const share = answers.filter((a) => a.json.model_version === v2).length / answers.length;
    expect(share).toBeGreaterThan(0.085);
    expect(share).toBeLessThan(0.115);
    const a = answers[0];
    expect(a.json.predictions).toHaveLength(1);
    expect(a.json.predictions[0]).toBeGreaterThan(0);
    expect(a.json.predictions[0]).toBeLessThan(1);
    expect(a.headers.get("x-request-id")).toBe(a.json.id);
    expect(a.headers.get("x-switchyard-version")).toBe(String(a.json.model_version));
  }, 120_000);

  it("logs every prediction once, with inputs column-wise, and keeps per-minute rollups", async () => {
    const { endpoint } = await tenThousandAt90to10();
    const n = await waitFor("10,000 logged", async () => ((await loggedCount(endpoint)) >= 10_000 ? loggedCount(endpoint) : null), 60_000, 500);
    expect(n).toBe(10_000);
    const [row] = await loggedRecords(db, { name: endpoint });
    expect(Object.keys(row.inputs!)).toContain("checking_account_status");
    expect(row.outputs!.probability).toHaveLength(1);
    const rollups = await db.metricRollup.findMany({ where: { endpointId: (await db.endpoint.findFirstOrThrow({ where: { name: endpoint } })).id } });
    expect(rollups.reduce((s, r) => s + r.count, 0)).toBe(10_000);
  }, 90_000);

  it("logs a request of more than 65,536 input values without its inputs (counted, answered in full)", async () => {
    const endpoint = await freshEndpoint("wide", [{ version: v1, weight: 100 }]);
    // 3,300 rows × 20 inputs = 66,000 values: about 1.3 MB as instances, past this cluster's 256 KiB body limit
    await cluster.withGateway({ GATEWAY_MAX_BODY_BYTES: String(4 * 2 ** 20) }, async () => {
      await waitFor("the gateway ready", () => httpOk(`${cluster.gatewayUrl}/v2/models/${endpoint}/ready`), 30_000, 200);
      const r = await predict(endpoint, Array.from({ length: 3_300 }, (_, i) => instance(i)), { "x-request-id": "wide-request" });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.predictions).toHaveLength(3_300);
      const small = await predict(endpoint, [instance(1)], { "x-request-id": "narrow-request" });
      expect(small.status).toBe(200);
    });
    await waitFor("both logged", async () => (await loggedCount(endpoint)) === 2, 30_000, 200);
    const rows = (await loggedRecords(db, { name: endpoint })).sort((a, b) => (a.requestId < b.requestId ? -1 : 1));
    expect(rows.map((x) => [x.requestId, x.inputs === null, x.inputsSampled, x.rows])).toEqual([["narrow-request", false, true, 1], ["wide-request", true, false, 3_300]]);
  }, 60_000);

  it("keeps one user on one variant while the weights stay the same", async () => {
    const sticky = await freshEndpoint("sticky", [{ version: v1, weight: 50 }, { version: v2, weight: 50 }], { header: "x-user-id" });
    const seen = new Map<string, Set<number>>();
    await inParallel(400, 16, async (i) => {
      const user = `user-${i % 80}`;
      const r = await predict(sticky, [instance(i)], { "x-user-id": user });
      expect(r.status).toBe(200);
      (seen.get(user) ?? seen.set(user, new Set()).get(user)!).add(r.json.model_version);
    });
    expect([...seen.values()].every((s) => s.size === 1)).toBe(true);
    const versions = new Set([...seen.values()].map((s) => [...s][0]));
    expect(versions.size).toBe(2); // both variants got some users
    const forced = await predict(sticky, [instance(0)], { "x-user-id": "user-1", "x-switchyard-variant": `credit-v${v2}` });
    expect(forced.json.model_version).toBe(v2);
  }, 60_000);

  it("never returns a shadow's answer, and a failing shadow fails nothing", async () => {
    const shadowed = await freshEndpoint("shadowed", [{ version: v1, weight: 100 }, { version: v2, weight: 0, role: "shadow" }, { version: vBroken, weight: 0, role: "shadow" }]);
    const answers = await inParallel(200, 8, (i) => predict(shadowed, [instance(i)]));
    expect(answers.map((a) => a.status)).toEqual(new Array(200).fill(200));
    expect(new Set(answers.map((a) => a.json.model_version))).toEqual(new Set([v1]));
    await waitFor("shadow logs", async () => (await loggedCount(shadowed, (r) => r.shadow && r.version === vBroken)) >= 200, 30_000, 300);
    expect(await loggedCount(shadowed, (r) => r.shadow && r.version === v2 && r.status === 200)).toBeGreaterThanOrEqual(190);
    expect(await loggedCount(shadowed, (r) => r.shadow && r.version === vBroken && r.status === 500)).toBe(200);
    // the good shadow's answers are compared with the ones served (LR vs MLP: close, not equal)
    const metrics = await call((await import("@/app/api/v1/endpoints/[endpoint]/metrics/route")).GET, "GET", `/api/v1/endpoints/${shadowed}/metrics`, { token: w.tokens.read, params: { endpoint: shadowed } });
    const cmp = metrics.json.shadows.find((x: { variant: string }) => x.variant === `credit-v${v2}`);
    expect(cmp.compared).toBeGreaterThanOrEqual(190);
    expect(cmp.meanAbsDiff).toBeGreaterThan(0);
    expect(cmp.meanAbsDiff).toBeLessThan(0.5);
    expect(metrics.json.shadows.some((x: { variant: string }) => x.variant === `credit-v${vBroken}`)).toBe(false);
  }, 60_000);

  it("rolls a failing canary back automatically and says why", async () => {
    const canary = await freshEndpoint("canary", [{ version: v1, weight: 100 }]);
    const r = await setTraffic(canary, { strategy: "canary", canary: { steps: [50], bakeSeconds: 3, maxErrorRate: 0.05, minRequests: 10, maxWaitSeconds: 10 }, variants: [{ version: vBroken, weight: 100 }] });
    expect(r.status).toBe(202);
    const sending = inParallel(300, 4, async (i) => { await new Promise((s) => setTimeout(s, 10)); return predict(canary, [instance(i)]); });
    const d = await waitFor("rollback", async () => {
      const x = await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } });
      return ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
    }, 60_000, 200);
    await sending;
    expect(d.status).toBe("rolled_back");
    expect(d.rollbackReason).toMatch(/error rate/);
    const shown = await call(routes.deployment.GET, "GET", `/api/v1/deployments/${d.id}`, { token: w.tokens.read, params: { id: d.id } });
    expect(shown.json.rollbackReason).toBe(d.rollbackReason);
    const routing = asRouting((await db.endpoint.findFirstOrThrow({ where: { name: canary } })).routing);
    expect(routing.variants.map((v) => [v.version, v.weight])).toEqual([[v1, 100]]);
    const after = await inParallel(50, 4, (i) => predict(canary, [instance(i)]));
    expect(after.every((a) => a.status === 200 && a.json.model_version === v1)).toBe(true);
  }, 90_000);

  it("refuses bad traffic changes before queueing anything", async () => {
    const endpoint = await freshEndpoint("refuse", [{ version: v1, weight: 90 }, { version: v2, weight: 10 }]);
    const before = await db.deployment.count();
    const cases: [object, number, RegExp][] = [
      [{ variants: [{ version: v1, weight: 60 }, { version: v2, weight: 30 }] }, 400, /sum to 100/],
      [{ variants: [{ version: 999, weight: 100 }] }, 422, /no version 999/],
      [{ variants: [{ version: vOther, weight: 100 }] }, 422, /signature does not match/],
      [{ variants: [{ version: v1, weight: 100 }], strategy: "canary" }, 400, /canary needs a version/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await setTraffic(endpoint, body);
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(r.json.error.message).toMatch(msg);
    }
    expect(await db.deployment.count()).toBe(before);
    const unknown = await call(routes.traffic.PUT, "PUT", "/api/v1/endpoints/nope/traffic", { token: w.tokens.deploy, body: { model: "credit", variants: [{ version: v1, weight: 100 }] }, params: { endpoint: "nope" } });
    expect(unknown.status).toBe(404);
  }, 60_000);

  it("answers bad requests with 400/401/413 and the reason, without hurting the workers", async () => {
    const split = await freshEndpoint("badreq", [{ version: v1, weight: 90 }, { version: v2, weight: 10 }]);
    const post = (path: string, body: unknown) => fetch(`${cluster.gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
    const row = instance(0);
    const oip = (inputs: object[]) => ({ inputs });
    const good = Object.entries(row).map(([name, v]) => ({ name, shape: [1, 1], datatype: typeof v === "number" ? "FP32" : "BYTES", data: [v] }));
    const ok = await post(`/v2/models/${split}/infer`, oip(good));
    expect(ok.status).toBe(200);
    const okJson = await ok.json();
    expect(okJson).toMatchObject({ model_name: split, outputs: [{ name: "probability", datatype: "FP32", shape: [1, 1] }] });
    expect([String(v1), String(v2)]).toContain(okJson.model_version);

    const cases: [string, unknown, number, RegExp][] = [
      ["/v2/models/nope/infer", oip(good), 401, /^endpoint "nope" needs an endpoint key/], // unknown: answered like a key-protected endpoint
      [`/v2/models/${split}/infer`, "{not json", 400, /not valid JSON/],
      [`/v2/models/${split}/infer`, oip([...good, { name: "colour", shape: [1, 1], datatype: "BYTES", data: ["red"] }]), 400, /unknown input "colour"/],
      [`/v2/models/${split}/infer`, oip(good.map((g) => (g.name === "age" ? { ...g, datatype: "BYTES", data: ["old"] } : g))), 400, /"age": datatype BYTES, the model expects FP32/],
      [`/v2/models/${split}/infer`, oip(good.map((g) => (g.name === "age" ? { ...g, shape: [1, 2] } : g))), 400, /"age": dimension 1 is 2/],
      [`/v2/models/${split}/infer`, oip(good.map((g) => (g.name === "age" ? { ...g, data: ["x"] } : g))), 400, /"age": expects finite numbers/],
      [`/v2/models/${split}/infer`, oip(good.filter((g) => g.name !== "age")), 400, /missing input "age"/],
      [`/v1/endpoints/${split}/predict`, { instances: [{ ...row, age: "old" }] }, 400, /"age": expects finite numbers/],
      [`/v1/endpoints/${split}/predict`, { instances: [{ ...row, colour: 1 }] }, 400, /unknown feature "colour"/],
      [`/v1/endpoints/${split}/predict`, { instances: Array.from({ length: 2000 }, () => row) }, 413, /larger than/],
    ];
    for (const [path, body, status, msg] of cases) {
      const r = await post(path, body);
      const json = await r.json();
      expect(r.status, `${path} ${JSON.stringify(json)}`).toBe(status);
      expect(json.error.message).toMatch(msg);
    }
    expect((await predict(split, [instance(1)])).status).toBe(200);
    expect(cluster.procs.workers.every((p) => p.child.exitCode === null)).toBe(true);
  }, 60_000);

  it("fails placement of a gpu variant on a cpu-only cluster clearly, leaving routing untouched", async () => {
    const endpoint = await freshEndpoint("gpu", [{ version: v1, weight: 90 }, { version: v2, weight: 10 }]);
    const before = (await db.endpoint.findFirstOrThrow({ where: { name: endpoint } })).routing;
    const d = await deployed(endpoint, { variants: [{ version: v1, weight: 100, device: "gpu" }] }, "failed");
    expect(d.error).toMatch(/no live gpu inference worker/);
    expect((await db.endpoint.findFirstOrThrow({ where: { name: endpoint } })).routing).toEqual(before);
  }, 60_000);

  it("completes a blue-green switch and keeps answering through it", async () => {
    const bluegreen = await freshEndpoint("bluegreen", [{ version: v1, weight: 100 }]);
    const r = await setTraffic(bluegreen, { strategy: "blue_green", blueGreen: { rollbackWindowSeconds: 1 }, variants: [{ version: v2, weight: 100 }] });
    let stop = false;
    const statuses: number[] = [];
    const load = (async () => { let i = 0; while (!stop) statuses.push((await predict(bluegreen, [instance(i++)])).status); })();
    const d = await waitFor("blue-green", async () => {
      const x = await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } });
      return ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
    }, 60_000, 200);
    stop = true;
    await load;
    expect(d.status).toBe("succeeded");
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await predict(bluegreen, [instance(0)])).json.model_version).toBe(v2);
  }, 90_000);

  it("answers from the other replica when one worker dies", async () => {
    const replicated = await freshEndpoint("replicated", [{ version: v1, weight: 100, replicas: 2 }]);
    await waitFor("2 replicas", async () => {
      const e = await call((await import("@/app/api/v1/endpoints/[endpoint]/route")).GET, "GET", `/api/v1/endpoints/${replicated}`, { token: w.tokens.read, params: { endpoint: replicated } });
      return e.json.variants[0].readyReplicas === 2;
    });
    const victim = cluster.procs.workers[0];
    await stopProcess(victim, "SIGKILL");
    const answers = await inParallel(100, 4, (i) => predict(replicated, [instance(i)]));
    expect(answers.filter((a) => a.status === 200).length).toBe(100);
    const restarted = await cluster.startWorker();
    cluster.procs.workers[0] = restarted.p;
    // the healer puts routed versions back on the worker that came back empty
    await waitFor("healed", async () => {
      const h = await fetch(`${restarted.url}/healthz`).then((x) => x.json()).catch(() => null);
      return h?.loaded?.length > 0;
    }, 30_000, 300);
  }, 90_000);

  it("keeps answering while Redis restarts, and logs what was served meanwhile", async () => {
    const endpoint = await freshEndpoint("redis-restart", [{ version: v1, weight: 100 }]);
    const before = await loggedCount(endpoint);
    let stop = false;
    let sent = 0;
    const statuses: number[] = [];
    const load = (async () => { while (!stop) { statuses.push((await predict(endpoint, [instance(sent++)])).status); } })();
    await new Promise((r) => setTimeout(r, 300));
    await cluster.redis.restart(1_500);
    await new Promise((r) => setTimeout(r, 1_500));
    stop = true;
    await load;
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor("outage records logged", async () => (await loggedCount(endpoint)) - before >= sent, 30_000, 500);
    expect((await loggedCount(endpoint)) - before).toBe(sent);
  }, 90_000);

  it("keeps serving from its last good routing table while Postgres is unreachable", async () => {
    const endpoint = await freshEndpoint("pg-outage", [{ version: v1, weight: 100 }]);
    // A gateway logging in as its own role: taking that role's access away is a Postgres outage for it alone.
    const role = `gw_${process.pid}`;
    await db.$executeRawUnsafe(`CREATE ROLE ${role} LOGIN`);
    await db.$executeRawUnsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const dbUrl = new URL(process.env.DATABASE_URL!);
    dbUrl.username = role;
    const port = await freePort();
    const gw = startProcess("gateway-pg", "workers/gateway/main.ts", { DATABASE_URL: dbUrl.toString(), REDIS_URL: cluster.redis.url, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", GATEWAY_RELOAD_MS: "300", GATEWAY_PROCESSES: "1" });
    try {
      await waitFor("gateway-pg", () => httpOk(`http://127.0.0.1:${port}/v2/models/${endpoint}/ready`), 30_000);
      await db.$executeRawUnsafe(`ALTER ROLE ${role} NOLOGIN`);
      await db.$executeRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
      await new Promise((r) => setTimeout(r, 1_500)); // several failed reloads
      const answers = await inParallel(50, 4, (i) => fetch(`http://127.0.0.1:${port}/v1/endpoints/${endpoint}/predict`, { method: "POST", body: JSON.stringify({ instances: [instance(i)] }) }).then((r) => r.status));
      expect(answers.every((s) => s === 200)).toBe(true);
      expect(gw.output.join("")).toMatch(/keeping the last good table/);
    } finally {
      await stopProcess(gw);
      await db.$executeRawUnsafe(`DROP OWNED BY ${role}`);
      await db.$executeRawUnsafe(`DROP ROLE ${role}`);
    }
  }, 60_000);

  it("loses and duplicates nothing when the ingest consumer is killed mid-stream", async () => {
    const ingest = await freshEndpoint("ingest", [{ version: v1, weight: 100 }]);
    const sending = inParallel(3_000, 16, (i) => predict(ingest, [instance(i)]));
    await waitFor("some ingested", async () => (await loggedCount(ingest)) > 200, 30_000, 50);
    await stopProcess(cluster.procs.jobs, "SIGKILL");
    const answers = await sending;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    cluster.startJobs();
    await waitFor("3,000 logged", async () => (await loggedCount(ingest)) >= 3_000, 60_000, 500);
    await new Promise((r) => setTimeout(r, 2_000)); // any duplicate would arrive by now
    expect(await loggedCount(ingest)).toBe(3_000);
    const distinct = new Set((await loggedRecords(db, { name: ingest })).map((r) => r.requestId)).size;
    expect(distinct).toBe(3_000);
    const e = await db.endpoint.findFirstOrThrow({ where: { name: ingest } });
    expect((await db.metricRollup.findMany({ where: { endpointId: e.id } })).reduce((s, r) => s + r.count, 0)).toBe(3_000);
  }, 120_000);

  it("resumes a deployment when the job worker is killed mid-bake", async () => {
    const resume = await freshEndpoint("resume", [{ version: v1, weight: 100 }]);
    const r = await setTraffic(resume, { strategy: "canary", canary: { steps: [50], bakeSeconds: 4, minRequests: 0 }, variants: [{ version: v2, weight: 100 }] });
    await waitFor("baking", async () => {
      const x = await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } });
      return (x.steps as { kind: string; status: string }[]).some((s) => s.kind === "bake" && s.status === "running");
    }, 30_000, 100);
    await stopProcess(cluster.procs.jobs, "SIGKILL");
    cluster.startJobs();
    const d = await waitFor("resumed", async () => {
      const x = await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } });
      return ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
    }, 60_000, 300);
    expect(d.status, d.error ?? d.rollbackReason ?? "").toBe("succeeded");
    expect(asRouting((await db.endpoint.findFirstOrThrow({ where: { name: resume } })).routing).variants.map((v) => v.version)).toEqual([v2]);
  }, 90_000);
});

describe("production through promotions", () => {
  /** Approves as the admin (the requester is a token) and waits until the promotion is closed. */
  async function approvedAndClosed(promotionId: string) {
    const ok = await call(routes.approve.POST, "POST", `/api/v1/promotions/${promotionId}/approve`, { cookie: w.people.admin.cookie, body: { comment: "go" }, params: { id: promotionId } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    return waitFor(`promotion ${promotionId}`, async () => {
      const p = await db.promotion.findUniqueOrThrow({ where: { id: promotionId } });
      return ["deployed", "failed", "rolled_back", "stale"].includes(p.status) ? p : null;
    }, 60_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
  }

  async function prodEndpoint(prefix: string): Promise<string> {
    const name = `${prefix}-${randomUUID().slice(0, 8)}`;
    const r = await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { cookie: w.people.admin.cookie, body: { name, environment: "production", requireKey: false } });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const first = await setTraffic(name, { variants: [{ version: v1, weight: 100 }] });
    expect(first.json.promotion.status).toBe("pending_approval");
    expect((await approvedAndClosed(first.json.promotion.id)).status).toBe("deployed");
    return name;
  }

  it("deploys an approved canary to the end, with promotion and deployment pointing at each other", async () => {
    const name = await prodEndpoint("prod-canary");
    const r = await setTraffic(name, { strategy: "canary", canary: { steps: [50], bakeSeconds: 1, minRequests: 0 }, variants: [{ version: v2, weight: 100 }] });
    expect(r.status).toBe(202);
    const p = await approvedAndClosed(r.json.promotion.id);
    expect(p.status, p.statusReason ?? "").toBe("deployed");
    const d = await call(routes.deployment.GET, "GET", `/api/v1/deployments/${p.deploymentId}`, { token: w.tokens.read, params: { id: p.deploymentId! } });
    expect(d.json).toMatchObject({ status: "succeeded", strategy: "canary", promotionId: p.id });
    const routing = asRouting((await db.endpoint.findFirstOrThrow({ where: { name } })).routing);
    expect(routing.variants.map((v) => [v.version, v.weight])).toEqual([[v2, 100]]);
  }, 90_000);

  it("marks the promotion rolled back, with the reason, when its canary fails its guardrails", async () => {
    const name = await prodEndpoint("prod-rollback");
    const r = await setTraffic(name, { strategy: "canary", canary: { steps: [50], bakeSeconds: 3, maxErrorRate: 0.05, minRequests: 10, maxWaitSeconds: 10 }, variants: [{ version: vBroken, weight: 100 }] });
    const closed = approvedAndClosed(r.json.promotion.id);
    const sending = inParallel(300, 4, async (i) => { await new Promise((s) => setTimeout(s, 10)); return predict(name, [instance(i)]); });
    const p = await closed;
    await sending;
    expect(p.status).toBe("rolled_back");
    expect(p.statusReason).toMatch(/^rolled back: canary at 50% failed its guardrails: .*error rate/);
  }, 90_000);
});

describe("inference worker devices", () => {
  it("falls back to cpu when cuda is missing and says why, or refuses to start when told to", async () => {
    const fallback = await cluster.startWorker({ INFERENCE_DEVICE: "cuda" });
    try {
      const health = await waitFor("fallback worker", async () => fetch(`${fallback.url}/healthz`).then((r) => r.json()).catch(() => null), 30_000);
      expect(health).toMatchObject({ requestedDevice: "cuda", device: "cpu" });
      expect(health.fallbackReason).toMatch(/cuda execution provider unavailable/);
    } finally {
      await stopProcess(fallback.p);
    }
    const refuse = await cluster.startWorker({ INFERENCE_DEVICE: "cuda", INFERENCE_GPU_FALLBACK: "refuse" });
    expect(await refuse.p.exited).toBe(3);
    expect(refuse.p.output.join("")).toMatch(/refusing to start/);
  }, 60_000);
});
