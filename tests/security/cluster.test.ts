// Issue 7, findings 5 and 6, with real processes: the cluster does not trust Redis or its network
// (signed heartbeats and calls to workers), and the data plane has access control (endpoint keys,
// a per-key rate limit, metadata and /metrics behind credentials, a cap on JSON nesting).
import http from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createRedis } from "@/lib/redis";
import { REDIS_KEYS } from "@/lib/redis-keys";
import { SIGNATURE_HEADER, signCall, signHeartbeat } from "@/lib/serving/shared/cluster-auth";
import { BATCH_CONTENT_TYPE, decodeAnswers, encodeAnswers, encodeRequests } from "@/lib/serving/shared/batch-frame";
import { toTensors, validateFeeds } from "@/lib/serving/shared/tensors";
import type { Signature } from "@/lib/onnx/signature";
import { listWorkers, type WorkerInfo } from "@/lib/serving/shared/worker-registry";
import { call, multipart } from "../helpers/call";
import { makeWorld, type World } from "../helpers/world";
import { servingRoutes, type ServingRoutes } from "../helpers/serving-routes";
import { trained } from "../helpers/models";
import { EnvError, parseEnv, type EnvSpec } from "@/lib/env/parse-env";
import { gatewayEnv } from "@/lib/env/gateway-env";
import { inferenceEnv } from "@/lib/env/inference-env";
import { jobsEnv } from "@/lib/env/jobs-env";
import { webEnv } from "@/lib/env/web-env";
import { DEV_CLUSTER_SECRET } from "@/lib/env/cluster-secret";
import { clusterSecret, startProcess } from "../helpers/processes";
import { startCluster, waitFor, type Cluster } from "../helpers/serving-cluster";

const METRICS_TOKEN = "metrics-token-for-the-security-test";
const KEY_RATE = 20;
const db = getDb();
let cluster: Cluster;
let w: World;
let redis: ReturnType<typeof createRedis>;
let v1: number;
let v1Id: string;
let v1Sha: string;
let routes: ServingRoutes & {
  endpoint: typeof import("@/app/api/v1/endpoints/[endpoint]/route");
  keys: typeof import("@/app/api/v1/endpoints/[endpoint]/keys/route");
  key: typeof import("@/app/api/v1/endpoints/[endpoint]/keys/[id]/route");
  settings: typeof import("@/app/api/v1/endpoints/[endpoint]/settings/route");
  approve: typeof import("@/app/api/v1/promotions/[id]/approve/route");
};

const row = () => trained().testRows[0];

/** A new endpoint served by v1; production ones are created by the team's admin, and their traffic goes through a promotion the approver approves. */
async function servedEndpoint(prefix: string, environment: "staging" | "production", replicas = 1): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const auth = environment === "production" ? { cookie: w.people.admin.cookie } : { token: w.tokens.deploy };
  const c = await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { ...auth, body: { name, environment } });
  expect(c.status, JSON.stringify(c.json)).toBe(201);
  const r = await call(routes.traffic.PUT, "PUT", `/api/v1/endpoints/${name}/traffic`, { ...auth, body: { model: "credit", variants: [{ version: v1, weight: 100, replicas }] }, params: { endpoint: name } });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  let deploymentId: string = r.json.id;
  if (environment === "production") {
    const ok = await call(routes.approve.POST, "POST", `/api/v1/promotions/${r.json.promotion.id}/approve`, { cookie: w.people.approver.cookie, body: {}, params: { id: r.json.promotion.id } });
    expect(ok.json.status, JSON.stringify(ok.json)).toBe("deploying");
    deploymentId = ok.json.deployment.id;
  }
  const d = await waitFor(`deployment of ${name}`, async () => {
    const x = await db.deployment.findUnique({ where: { id: deploymentId } });
    return x && ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
  }, 60_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
  expect(d.status, `${d.error ?? ""}\n${cluster.logs()}`).toBe("succeeded");
  // a production endpoint's /ready needs its key, which the test makes next: it waits for that key to work instead
  if (environment === "staging") await waitFor(`${name} ready on the gateway`, async () => (await fetch(`${cluster.gatewayUrl}/v2/models/${name}/ready`)).status === 200, 30_000);
  return name;
}

async function createKey(endpoint: string, auth: { cookie?: string; token?: string } = { cookie: w.people.admin.cookie }) {
  return call(routes.keys.POST, "POST", `/api/v1/endpoints/${endpoint}/keys`, { ...auth, body: { name: "client-app" }, params: { endpoint } });
}

async function predict(endpoint: string, headers: Record<string, string> = {}, body: string = JSON.stringify({ instances: [row()] })) {
  const res = await fetch(`${cluster.gatewayUrl}/v1/endpoints/${endpoint}/predict`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: res.status, json: (await res.json()) as any, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function gatewayMetrics(token: string | null = METRICS_TOKEN) {
  const res = await fetch(`${cluster.gatewayUrl}/metrics`, { headers: token ? bearer(token) : {} });
  return { status: res.status, text: await res.text() };
}

/** Stands in for an attacker's machine on the cluster network: answers every call with a forged prediction, and counts them. */
async function fakeWorker() {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => {
      if (req.url?.startsWith("/batch/")) {
        res.writeHead(200, { "content-type": BATCH_CONTENT_TYPE });
        return res.end(encodeAnswers(Array.from({ length: 64 }, () => ({ outputs: [{ name: "probability", type: "float32", dims: [1, 1], data: Float32Array.of(0.123456) }] }))));
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ready: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

beforeAll(async () => {
  cluster = await startCluster({ workers: 1, gatewayEnv: { GATEWAY_METRICS_TOKEN: METRICS_TOKEN, GATEWAY_KEY_RATE_PER_SECOND: String(KEY_RATE) } });
  process.env.REDIS_URL = cluster.redis.url;
  redis = createRedis(cluster.redis.url);
  routes = {
    ...(await servingRoutes()),
    endpoint: await import("@/app/api/v1/endpoints/[endpoint]/route"),
    keys: await import("@/app/api/v1/endpoints/[endpoint]/keys/route"),
    key: await import("@/app/api/v1/endpoints/[endpoint]/keys/[id]/route"),
    settings: await import("@/app/api/v1/endpoints/[endpoint]/settings/route"),
    approve: await import("@/app/api/v1/promotions/[id]/approve/route"),
  };
  w = await makeWorld("sec");
  expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } })).status).toBe(201);
  const pushed = await call(routes.versions.POST, "POST", "/api/v1/models/credit/versions", { token: w.tokens.write, rawBody: multipart(trained().onnx, { metrics: {} }), params: { model: "credit" } });
  expect(pushed.status, JSON.stringify(pushed.json)).toBe(201);
  v1 = pushed.json.number;
  v1Sha = pushed.json.sha256;
  v1Id = (await db.modelVersion.findFirstOrThrow({ where: { number: v1, model: { teamId: w.teamId, name: "credit" } } })).id;
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

describe("the cluster does not trust Redis or its network (finding 5)", () => {
  it("refuses to start in production with a missing, short or development CLUSTER_SECRET, in every process that uses it", async () => {
    const strong = "k".repeat(32);
    const problems = (spec: EnvSpec, env: Record<string, string>) => {
      try {
        parseEnv(spec, env);
        return [];
      } catch (err) {
        if (err instanceof EnvError) return err.problems;
        throw err;
      }
    };
    for (const spec of [gatewayEnv, inferenceEnv, jobsEnv, webEnv] as EnvSpec[]) {
      // every other production setting good, so that the only problem is the cluster secret
      const prod = { NODE_ENV: "production", GATEWAY_METRICS_TOKEN: "m".repeat(16), NEXTAUTH_SECRET: strong.replace(/k/g, "n") };
      for (const [value, why] of [[undefined, "is not set"], ["short-secret", "is shorter than 32 bytes"], [DEV_CLUSTER_SECRET, "is the development value"]] as const) {
        const found = problems(spec, { ...prod, ...(value ? { CLUSTER_SECRET: value } : {}) });
        expect(found, `${spec.usedBy} ${why}`).toEqual([expect.stringMatching(new RegExp(`^CLUSTER_SECRET ${why}; production \\(NODE_ENV=production\\) needs a random secret of at least 32 bytes`))]);
        expect(found.join("")).not.toContain("short-secret");
      }
      expect((parseEnv(spec, { ...prod, CLUSTER_SECRET: strong }) as { CLUSTER_SECRET: string }).CLUSTER_SECRET).toBe(strong);
      // outside production, the development value is the default
      expect((parseEnv(spec, {}) as { CLUSTER_SECRET: string }).CLUSTER_SECRET).toBe(DEV_CLUSTER_SECRET);
    }
    // `next build` loads the web's routes with NODE_ENV=production; the check waits for `next start`
    expect(problems(webEnv, { NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).toEqual([]);
    expect(problems(gatewayEnv, { NODE_ENV: "production", CLUSTER_SECRET: strong })).toEqual([expect.stringMatching(/^GATEWAY_METRICS_TOKEN is not set; production/)]);
    // the real process says so and exits 1
    const p = startProcess("inference-prod", "workers/inference/main.ts", { NODE_ENV: "production", CLUSTER_SECRET: "", INFERENCE_PORT: "1" });
    expect(await p.exited).toBe(1);
    expect(p.output.join("")).toContain("CLUSTER_SECRET is not set; production (NODE_ENV=production)");
  }, 30_000);

  it("never sends traffic or load calls to a worker whose heartbeat is forged, and counts forged heartbeats in the gateway's /metrics", async () => {
    const fake = await fakeWorker();
    const forge = (id: string, loaded: WorkerInfo["loaded"]) => JSON.stringify({ id, url: fake.url, requestedDevice: "cpu", device: "cpu", fallbackReason: null, loaded, queueDepth: 0, capacity: 1_000_000, startedAt: Date.now(), at: Date.now() } satisfies WorkerInfo);
    // written straight into Redis, as anyone who reaches it could: one unsigned (what workers wrote before), one signed with another secret
    const forged: [string, (json: string) => string, WorkerInfo["loaded"]][] = [
      [`forged-unsigned-${randomUUID().slice(0, 6)}`, (json) => json, [{ versionId: v1Id, ready: true }]],
      [`forged-wrongkey-${randomUUID().slice(0, 6)}`, (json) => signHeartbeat("not-the-cluster-secret-but-just-as-long!!", json), [{ versionId: v1Id, ready: true }]],
      [`forged-empty-${randomUUID().slice(0, 6)}`, (json) => json, []],
    ];
    const write = async () => {
      for (const [id, sign, loaded] of forged) {
        await redis.multi().set(REDIS_KEYS.worker(id), sign(forge(id, loaded)), "PX", 60_000).zadd(REDIS_KEYS.workerSet, Date.now(), id).exec();
      }
    };
    await write();
    const keepForging = setInterval(() => void write(), 1_000);
    try {
      // an endpoint served by v1, which the forged workers claim to have ready
      const endpoint = await servedEndpoint("forged", "staging");
      // and a deployment that asks for two replicas: only one real worker may be used
      const wide = await servedEndpoint("wide", "staging", 2);
      await new Promise((r) => setTimeout(r, 2_500)); // the gateway refreshes its worker list every second
      const answers = await Promise.all(Array.from({ length: 40 }, () => predict(endpoint)));
      expect(answers.map((a) => a.status)).toEqual(new Array(40).fill(200));
      expect(answers.every((a) => a.json.predictions[0] !== 0.123456)).toBe(true);
      expect((await predict(wide)).status).toBe(200);
      expect(fake.calls, "the fake worker received calls").toEqual([]);

      // the web shows only the real worker as a ready replica
      const shown = await call(routes.endpoint.GET, "GET", `/api/v1/endpoints/${wide}`, { token: w.tokens.read, params: { endpoint: wide } });
      expect(shown.json.variants[0].readyReplicas).toBe(1);
      // and the jobs' view of the cluster, like the gateway's, leaves the forged ones out
      expect((await listWorkers(redis, { secret: clusterSecret() })).map((x) => x.id)).toEqual(expect.not.arrayContaining(forged.map(([id]) => id)));

      const m = await gatewayMetrics();
      expect(m.status).toBe(200);
      expect(m.text).toMatch(/switchyard_gateway_forged_heartbeats_total\{reason="unsigned"\} 2/);
      expect(m.text).toMatch(/switchyard_gateway_forged_heartbeats_total\{reason="bad_signature"\} 1/);
      expect(m.text).toMatch(/switchyard_gateway_forged_heartbeats 3/);
    } finally {
      clearInterval(keepForging);
      for (const [id] of forged) await redis.multi().del(REDIS_KEYS.worker(id)).zrem(REDIS_KEYS.workerSet, id).exec();
      await fake.close();
    }
  }, 120_000);

  it("refuses unsigned, badly signed, stale, misdirected and replayed calls to an inference worker with 401", async () => {
    const [worker] = await listWorkers(redis, { secret: clusterSecret() });
    expect(worker).toBeDefined();
    const load = JSON.stringify({ versionId: v1Id, sha256: v1Sha });
    const batch = "any body: an unsigned call is refused before it is read";
    const post = async (path: string, body: string, signature?: string) => {
      const res = await fetch(`${worker.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(signature ? { [SIGNATURE_HEADER]: signature } : {}) }, body });
      return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } };
    };
    const sign = (path: string, body: string, opts: { secret?: string; workerId?: string; at?: number } = {}) =>
      signCall(opts.secret ?? clusterSecret(), { method: "POST", path, workerId: opts.workerId ?? worker.id, body }, opts.at);

    const refused: [string, string, string | undefined, RegExp][] = [
      ["/admin/load", load, undefined, /must be signed/],
      ["/admin/unload", JSON.stringify({ versionId: v1Id }), undefined, /must be signed/],
      [`/batch/${v1Id}`, batch, undefined, /must be signed/],
      [`/v2/models/${v1Id}/infer`, JSON.stringify({ inputs: [] }), undefined, /must be signed/],
      ["/admin/load", load, "t=1,v1=zz", /must be "t=<ms>,v1=<hex>"/],
      ["/admin/load", load, sign("/admin/load", load, { secret: "another-cluster-secret-of-the-same-length" }), /does not match/],
      ["/admin/load", load, sign("/admin/load", load, { workerId: "another-worker" }), /does not match/],
      ["/admin/load", load, sign("/admin/unload", load), /does not match/],
      ["/admin/load", load, sign("/admin/load", JSON.stringify({ versionId: "other", sha256: v1Sha })), /does not match/],
      ["/admin/load", load, sign("/admin/load", load, { at: Date.now() - 120_000 }), /more than 30 s/],
    ];
    for (const [path, body, signature, message] of refused) {
      const r = await post(path, body, signature);
      expect(r.status, `${path} ${signature ?? "unsigned"}: ${JSON.stringify(r.json)}`).toBe(401);
      expect(r.json.error).toEqual({ code: "unauthorized", message: expect.stringMatching(message) });
    }
    // the signed call works once; the same bytes again are a replay
    const signature = sign("/admin/load", load);
    expect((await post("/admin/load", load, signature)).status).toBe(200);
    const replay = await post("/admin/load", load, signature);
    expect(replay.status).toBe(401);
    expect(replay.json.error?.message).toMatch(/already used/);
    // the gateway's batch call: a binary frame (shared/batch-frame.ts), signed over its bytes
    const sig = (await post("/admin/load", load, sign("/admin/load", load))).json as unknown as { signature: Signature };
    const inputs = Object.fromEntries(Object.entries(row()).map(([k, x]) => [k, { shape: [1, 1], data: [x] }]));
    const frame = encodeRequests([toTensors(validateFeeds(inputs, sig.signature).feeds, sig.signature)]);
    const signed = await fetch(`${worker.url}/batch/${v1Id}`, { method: "POST", headers: { "content-type": BATCH_CONTENT_TYPE, [SIGNATURE_HEADER]: signCall(clusterSecret(), { method: "POST", path: `/batch/${v1Id}`, workerId: worker.id, body: frame }) }, body: new Uint8Array(frame) });
    expect(signed.status).toBe(200);
    const [answer] = decodeAnswers(Buffer.from(await signed.arrayBuffer()));
    expect("outputs" in answer && answer.outputs.map((t) => t.name)).toContain("probability");
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/switchyard_inference_refused_calls_total\{reason="unsigned"\} 4/);
  }, 60_000);
});

describe("data-plane access control (finding 6)", () => {
  it("asks production endpoints for their key: none 401, revoked 401, another endpoint's 403, an API token 401, a valid one 200", async () => {
    const prod = await servedEndpoint("prod", "production");
    const other = await servedEndpoint("prod-other", "production");
    const shown = await call(routes.endpoint.GET, "GET", `/api/v1/endpoints/${prod}`, { token: w.tokens.read, params: { endpoint: prod } });
    expect(shown.json.requireKey).toBe(true);

    const none = await predict(prod);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: { code: "unauthorized", message: `endpoint "${prod}" needs an endpoint key: send Authorization: Bearer sk_…` } });
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);

    // engineers and tokens may not make keys for production endpoints; the admin may, and sees the key once
    expect((await createKey(prod, { cookie: w.people.engineer.cookie })).status).toBe(403);
    expect((await createKey(prod, { token: w.tokens.deploy })).status).toBe(403);
    const created = await createKey(prod);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const key: string = created.json.key;
    expect(key).toMatch(/^sk_/);
    const listed = await call(routes.keys.GET, "GET", `/api/v1/endpoints/${prod}/keys`, { token: w.tokens.read, params: { endpoint: prod } });
    expect(listed.json).toMatchObject({ endpoint: prod, requireKey: true, keys: [{ id: created.json.id, name: "client-app", prefix: key.slice(0, 9), revokedAt: null }] });
    expect(JSON.stringify(listed.json)).not.toContain(key);
    expect(JSON.stringify(await db.endpointKey.findMany())).not.toContain(key);
    const otherKey = (await createKey(other)).json.key as string;

    // the gateway hears of the key on the routing channel
    const ok = await waitFor("the new key works", async () => { const r = await predict(prod, bearer(key)); return r.status === 200 ? r : null; }, 10_000);
    expect(ok.json.model_version).toBe(v1);
    await waitFor("the other endpoint's key works there", async () => (await predict(other, bearer(otherKey))).status === 200, 10_000);
    const wrong = await predict(prod, bearer(otherKey));
    expect(wrong.status).toBe(403);
    expect(wrong.json.error).toEqual({ code: "forbidden", message: `this endpoint key is not for endpoint "${prod}"` });
    const guessed = await predict(prod, bearer(`sk_${"A".repeat(32)}`));
    expect([guessed.status, guessed.json.error]).toEqual([401, { code: "unauthorized", message: "invalid endpoint key" }]);
    const apiToken = await predict(prod, bearer(w.tokens.all));
    expect([apiToken.status, apiToken.json.error.code]).toEqual([401, "unauthorized"]);
    expect((await predict(prod, { authorization: key })).status).toBe(401);

    const revoked = await call(routes.key.DELETE, "DELETE", `/api/v1/endpoints/${prod}/keys/${created.json.id}`, { cookie: w.people.admin.cookie, params: { endpoint: prod, id: created.json.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).not.toBeNull();
    const refused = await waitFor("the revoked key refused", async () => { const r = await predict(prod, bearer(key)); return r.status === 401 ? r : null; }, 10_000);
    expect(refused.json.error).toEqual({ code: "unauthorized", message: "this endpoint key has been revoked" });
    const audit = await db.auditEvent.findMany({ where: { teamId: w.teamId, action: { in: ["endpointkey.create", "endpointkey.revoke"] } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["endpointkey.create", "endpointkey.create", "endpointkey.revoke"]);
    expect(JSON.stringify(audit)).not.toContain(key);
  }, 120_000);

  it("keeps staging endpoints keyless by default, and can ask for a key there too", async () => {
    const staging = await servedEndpoint("stage", "staging");
    expect((await predict(staging)).status).toBe(200);
    // an engineer's token may manage a staging endpoint's keys and setting
    const key = (await createKey(staging, { token: w.tokens.deploy })).json.key as string;
    const set = await call(routes.settings.PUT, "PUT", `/api/v1/endpoints/${staging}/settings`, { token: w.tokens.deploy, body: { requireKey: true }, params: { endpoint: staging } });
    expect(set.json).toEqual({ endpoint: staging, environment: "staging", requireKey: true });
    await waitFor("the key asked for", async () => (await predict(staging)).status === 401, 10_000);
    expect((await predict(staging, bearer(key))).status).toBe(200);
  }, 90_000);

  it("answers a production endpoint's metadata only to its key holders", async () => {
    const prod = await servedEndpoint("meta", "production");
    const key = (await createKey(prod)).json.key as string;
    const get = (headers: Record<string, string> = {}) => fetch(`${cluster.gatewayUrl}/v2/models/${prod}`, { headers });
    const without = await get();
    expect(without.status).toBe(401);
    expect(JSON.stringify(await without.json())).not.toMatch(/checking_account_status|credit-v/);
    const withKey = await waitFor("metadata with the key", async () => { const r = await get(bearer(key)); return r.status === 200 ? r : null; }, 10_000);
    expect(await withKey.json()).toMatchObject({ name: prod, versions: [String(v1)], inputs: expect.arrayContaining([expect.objectContaining({ name: "checking_account_status" })]) });
  }, 90_000);

  it("asks for the key on /ready too, and answers an unknown endpoint exactly as a protected one, so a client without a key cannot tell which exist", async () => {
    const prod = await servedEndpoint("ready", "production");
    const staging = await servedEndpoint("ready-stage", "staging");
    const key = (await createKey(prod)).json.key as string;
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${cluster.gatewayUrl}${path}`, { headers });
      return { status: r.status, json: await r.json(), challenge: r.headers.get("www-authenticate") };
    };
    const needsKey = (name: string) => ({ status: 401, json: { error: { code: "unauthorized", message: `endpoint "${name}" needs an endpoint key: send Authorization: Bearer sk_…` } }, challenge: 'Bearer realm="switchyard"' });
    const unknown = `nope-${randomUUID().slice(0, 8)}`;
    // without a key: a protected endpoint and an unknown one answer alike, on /ready, metadata, infer and predict
    expect(await get(`/v2/models/${prod}/ready`)).toEqual(needsKey(prod));
    expect(await get(`/v2/models/${unknown}/ready`)).toEqual(needsKey(unknown));
    expect(await get(`/v2/models/${unknown}`)).toEqual(needsKey(unknown));
    const unknownPredict = await predict(unknown);
    expect([unknownPredict.status, unknownPredict.json]).toEqual([401, needsKey(unknown).json]);
    const unknownInfer = await fetch(`${cluster.gatewayUrl}/v2/models/${unknown}/infer`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([unknownInfer.status, await unknownInfer.json()]).toEqual([401, needsKey(unknown).json]);
    // a made-up key, and another endpoint's key, get the same answers as at a protected endpoint
    const guessed = bearer(`sk_${"A".repeat(32)}`);
    expect((await get(`/v2/models/${unknown}/ready`, guessed)).json).toEqual((await get(`/v2/models/${prod}/ready`, guessed)).json);
    const stagingKey = (await createKey(staging, { token: w.tokens.deploy })).json.key as string;
    await waitFor("the staging key known", async () => (await get(`/v2/models/${prod}/ready`, bearer(stagingKey))).status === 403, 10_000);
    expect((await get(`/v2/models/${unknown}/ready`, bearer(stagingKey))).status).toBe(403);
    // with its key, /ready answers; a keyless staging endpoint's /ready needs none
    const ready = await waitFor("ready with the key", async () => { const r = await get(`/v2/models/${prod}/ready`, bearer(key)); return r.status === 200 ? r : null; }, 10_000);
    expect(ready.json).toEqual({ name: prod, ready: true });
    expect(await get(`/v2/models/${staging}/ready`)).toMatchObject({ status: 200, json: { name: staging, ready: true } });
  }, 90_000);

  it("limits each key's rate: over it, 429 with Retry-After", async () => {
    const prod = await servedEndpoint("rate", "production");
    const key = (await createKey(prod)).json.key as string;
    await waitFor("the key works", async () => (await fetch(`${cluster.gatewayUrl}/v2/models/${prod}`, { headers: bearer(key) })).status === 200, 10_000);
    const answers = await Promise.all(Array.from({ length: KEY_RATE * 6 }, () => fetch(`${cluster.gatewayUrl}/v2/models/${prod}`, { headers: bearer(key) })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await limited[0].json()).error).toEqual({ code: "rate_limited", message: expect.stringContaining("GATEWAY_KEY_RATE_PER_SECOND") });
    // another key of the same endpoint has its own budget
    const second = (await createKey(prod)).json.key as string;
    expect((await waitFor("a second key", async () => { const r = await predict(prod, bearer(second)); return r.status === 200 ? r : null; }, 10_000)).status).toBe(200);
  }, 90_000);

  it("refuses a 10,000-deep JSON body with 400 before parsing it, and stays up", async () => {
    const staging = await servedEndpoint("deep", "staging");
    const deep = `{"instances":[{"age":${"[".repeat(10_000)}1${"]".repeat(10_000)}}]}`;
    for (const path of [`/v1/endpoints/${staging}/predict`, `/v2/models/${staging}/infer`]) {
      const res = await fetch(`${cluster.gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: deep });
      expect(res.status, path).toBe(400);
      expect((await res.json()).error).toEqual({ code: "bad_request", message: "body nests arrays and objects deeper than 32 levels" });
    }
    // brackets inside strings are text, not nesting
    expect((await predict(staging, {}, JSON.stringify({ instances: [{ ...row(), note: "[".repeat(100) }] }))).json.error.message).toMatch(/unknown feature "note"/);
    expect((await predict(staging)).status).toBe(200);
    expect(cluster.procs.gateway!.child.exitCode).toBeNull();
  }, 60_000);

  it("does not show endpoint names in the gateway's /metrics without its token", async () => {
    const staging = await servedEndpoint("secret-name", "staging");
    expect((await predict(staging)).status).toBe(200);
    for (const token of [null, "wrong-token"]) {
      const m = await gatewayMetrics(token);
      expect(m.status).toBe(401);
      expect(m.text).not.toContain(staging);
      expect(JSON.parse(m.text).error.code).toBe("unauthorized");
    }
    const m = await gatewayMetrics();
    expect(m.status).toBe(200);
    expect(m.text).toContain(`endpoint="${staging}"`);
  }, 60_000);
});
