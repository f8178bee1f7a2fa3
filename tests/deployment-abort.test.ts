// Abort on a real serving cluster (inference worker, gateway, job workers): a canary stopped mid-bake
// puts back the routing from before it at once, a pending deployment never starts, a finished one
// cannot be aborted, and only those who may change traffic may abort. Also the stale-page refusal of
// a traffic change (expectedRoutingVersion).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { asRouting } from "@/lib/serving/shared/routing";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { servingRoutes, type ServingRoutes } from "./helpers/serving-routes";
import { trained } from "./helpers/models";
import { startCluster, stopProcess, waitFor, type Cluster } from "./helpers/serving-cluster";

const db = getDb();
let cluster: Cluster;
let w: World;
let routes: ServingRoutes & {
  abort: typeof import("@/app/api/v1/deployments/[id]/abort/route");
  approve: typeof import("@/app/api/v1/promotions/[id]/approve/route");
};
let v1: number, v2: number;

async function push(bytes: Uint8Array) {
  const r = await call(routes.versions.POST, "POST", "/api/v1/models/credit/versions", { token: w.tokens.write, rawBody: multipart(bytes, { metrics: {} }), params: { model: "credit" } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number as number;
}

const setTraffic = (endpoint: string, body: object) =>
  call(routes.traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: w.tokens.deploy, body: { model: "credit", ...body }, params: { endpoint } });
const abort = (id: string, who: { cookie?: string; token?: string }, reason = "p95 is climbing") =>
  call(routes.abort.POST, "POST", `/api/v1/deployments/${id}/abort`, { ...who, body: { reason }, params: { id } });

const finished = (id: string, ms = 60_000) =>
  waitFor(`deployment ${id}`, async () => {
    const d = await db.deployment.findUnique({ where: { id } });
    return d && ["succeeded", "failed", "rolled_back"].includes(d.status) ? d : null;
  }, ms, 100).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
const served = async (endpoint: string) => asRouting((await db.endpoint.findFirstOrThrow({ where: { teamId: w.teamId, name: endpoint } })).routing).variants.map((v) => `${v.version}:${v.role}:${v.weight}`);

/** A staging endpoint of this test's own, serving v1 alone (deployed immediately). */
async function servingV1(prefix: string): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  expect((await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name } })).status).toBe(201);
  const r = await setTraffic(name, { variants: [{ version: v1, weight: 100 }] });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  expect((await finished(r.json.id)).status).toBe("succeeded");
  return name;
}

/** Starts a canary to v2 with a long bake and waits until it is baking at 50%. */
async function bakingCanary(endpoint: string): Promise<string> {
  const r = await setTraffic(endpoint, { strategy: "canary", canary: { steps: [50], bakeSeconds: 120, minRequests: 0 }, variants: [{ version: v2, weight: 100 }] });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  await waitFor("the canary's bake", async () => {
    const d = await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } });
    const steps = d.steps as { kind: string; status: string }[];
    return steps[d.currentStep]?.kind === "bake" && steps[d.currentStep].status === "running" ? d : null;
  }, 60_000, 100).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
  return r.json.id;
}

beforeAll(async () => {
  cluster = await startCluster({ workers: 1 });
  process.env.REDIS_URL = cluster.redis.url;
  routes = {
    ...(await servingRoutes()),
    abort: await import("@/app/api/v1/deployments/[id]/abort/route"),
    approve: await import("@/app/api/v1/promotions/[id]/approve/route"),
  };
  w = await makeWorld("abort");
  expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } })).status).toBe(201);
  v1 = await push(trained("logistic_regression").onnx);
  v2 = await push(trained("mlp").onnx);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("aborting a deployment", () => {
  it("stops a canary mid-bake: the routing from before it is back at once, rolled back with who and why, audited", async () => {
    const endpoint = await servingV1("mid-bake");
    const id = await bakingCanary(endpoint);
    expect(await served(endpoint)).toEqual([`${v1}:primary:50`, `${v2}:canary:50`]);

    const asked = Date.now();
    const r = await abort(id, { cookie: w.people.engineer.cookie });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json.abortReason).toBe(`aborted by ${w.people.engineer.email}: p95 is climbing`);
    const d = await finished(id, 20_000);
    // the bake had two minutes left: the runner noticed the abort in its sleep, not at the bake's end
    expect(Date.now() - asked).toBeLessThan(15_000);
    expect(d.status).toBe("rolled_back");
    expect(d.rollbackReason).toBe(`aborted by ${w.people.engineer.email}: p95 is climbing`);
    expect(await served(endpoint)).toEqual([`${v1}:primary:100`]);

    // the gateway serves v1 alone again
    await waitFor("the gateway's reload", async () => {
      const res = await fetch(`${cluster.gatewayUrl}/v2/models/${endpoint}`);
      const body = (await res.json()) as { variants: { name: string }[] };
      return body.variants.length === 1 && body.variants[0].name === `credit-v${v1}` ? true : null;
    }, 10_000, 200);
    const events = await db.auditEvent.findMany({ where: { resourceId: id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([["deployment.abort", w.people.engineer.email], ["deployment.rolled_back", "switchyard"]]);
  }, 120_000);

  it("finishes a pending deployment at once, untouched routing, and its queued job then does nothing", async () => {
    const endpoint = await servingV1("pending");
    await stopProcess(cluster.procs.jobs);
    let restarted = false;
    try {
      const r = await setTraffic(endpoint, { variants: [{ version: v2, weight: 100 }] });
      expect(r.status).toBe(202);
      expect((await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } })).status).toBe("pending");
      const a = await abort(r.json.id, { token: w.tokens.deploy }, "wrong version");
      expect(a.status, JSON.stringify(a.json)).toBe(202);
      expect(a.json).toMatchObject({ status: "rolled_back", rollbackReason: "aborted by token:read+deploy: wrong version", startedAt: null });
      cluster.startJobs();
      restarted = true;
      // the job workers run its queued job: a finished deployment is left as it is
      await new Promise((s) => setTimeout(s, 4_000));
      const d = await db.deployment.findUniqueOrThrow({ where: { id: r.json.id } });
      expect([d.status, d.startedAt]).toEqual(["rolled_back", null]);
      expect(await served(endpoint)).toEqual([`${v1}:primary:100`]);
    } finally {
      if (!restarted) cluster.startJobs();
    }
  }, 90_000);

  it("answers 409 for a finished deployment, 404 for another team's or none, 403 to viewers and read tokens", async () => {
    const endpoint = await servingV1("finished");
    const done = await db.deployment.findFirstOrThrow({ where: { endpoint: { name: endpoint, teamId: w.teamId } } });
    const r = await abort(done.id, { cookie: w.people.engineer.cookie });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toMatch(/has already succeeded/);
    expect((await abort("nope", { cookie: w.people.engineer.cookie })).status).toBe(404);
    const other = await makeWorld("abort-other");
    expect((await abort(done.id, { cookie: other.people.admin.cookie })).status).toBe(404);

    const id = await bakingCanary(endpoint);
    try {
      const viewer = await abort(id, { cookie: w.people.viewer.cookie });
      expect(viewer.status).toBe(403);
      expect((await abort(id, { token: w.tokens.read })).status).toBe(403);
      expect((await call(routes.abort.POST, "POST", `/api/v1/deployments/${id}/abort`, { cookie: w.people.engineer.cookie, body: {}, params: { id } })).json.error.field).toBe("body.reason");
      expect((await db.deployment.findUniqueOrThrow({ where: { id } })).abortReason).toBeNull();
    } finally {
      expect((await abort(id, { cookie: w.people.admin.cookie }, "test over")).status).toBe(202);
      expect((await finished(id, 20_000)).status).toBe("rolled_back");
    }
  }, 120_000);

  it("lets an engineer abort a production canary without approval; its promotion follows as rolled back", async () => {
    const name = `prod-${randomUUID().slice(0, 8)}`;
    expect((await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { cookie: w.people.admin.cookie, body: { name, environment: "production", requireKey: false } })).status).toBe(201);
    const approveAndWait = async (promotionId: string, status: string) => {
      const ok = await call(routes.approve.POST, "POST", `/api/v1/promotions/${promotionId}/approve`, { cookie: w.people.admin.cookie, body: { comment: "go" }, params: { id: promotionId } });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      return waitFor(`promotion ${promotionId} ${status}`, async () => {
        const p = await db.promotion.findUniqueOrThrow({ where: { id: promotionId } });
        return p.status === status ? p : null;
      }, 60_000, 100).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
    };
    const first = await setTraffic(name, { variants: [{ version: v1, weight: 100 }] });
    await approveAndWait(first.json.promotion.id, "deployed");
    const canary = await setTraffic(name, { strategy: "canary", canary: { steps: [50], bakeSeconds: 120, minRequests: 0 }, variants: [{ version: v2, weight: 100 }] });
    expect(canary.status, JSON.stringify(canary.json)).toBe(202);
    const p = await approveAndWait(canary.json.promotion.id, "deploying");
    const r = await abort(p.deploymentId!, { cookie: w.people.engineer.cookie }, "alerts firing");
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect((await finished(p.deploymentId!, 20_000)).status).toBe("rolled_back");
    const after = await db.promotion.findUniqueOrThrow({ where: { id: p.id } });
    expect(after.status).toBe("rolled_back");
    expect(after.statusReason).toBe(`rolled back: aborted by ${w.people.engineer.email}: alerts firing`);
    expect(await served(name)).toEqual([`${v1}:primary:100`]);
  }, 180_000);
});

describe("a traffic change from a stale page", () => {
  it("is refused with 409 and the split serving now when the routing changed since the page saw it", async () => {
    const endpoint = await servingV1("stale");
    const { routingVersion } = await db.endpoint.findFirstOrThrow({ where: { teamId: w.teamId, name: endpoint } });
    const stale = await setTraffic(endpoint, { variants: [{ version: v2, weight: 100 }], expectedRoutingVersion: routingVersion - 1 });
    expect(stale.status).toBe(409);
    expect(stale.json.error.field).toBe("body.expectedRoutingVersion");
    expect(stale.json.error.message).toContain(`it serves credit-v${v1} 100%`);
    expect(await db.deployment.count({ where: { endpoint: { name: endpoint, teamId: w.teamId }, status: { not: "succeeded" } } })).toBe(0);

    const fresh = await setTraffic(endpoint, { variants: [{ version: v1, weight: 50 }, { version: v2, weight: 50 }], expectedRoutingVersion: routingVersion });
    expect(fresh.status, JSON.stringify(fresh.json)).toBe(202);
    expect((await finished(fresh.json.id)).status).toBe("succeeded");
  }, 90_000);
});
