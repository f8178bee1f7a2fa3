// Promotions and release policies through the REST API, against the real database and Redis. No job
// workers run here: a deployment a promotion records is checked as a row (the serving tests run one
// through a real cluster). Each test makes its own endpoint or alias, so any one of them runs alone.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as alias from "@/app/api/v1/models/[model]/aliases/[alias]/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as traffic from "@/app/api/v1/endpoints/[endpoint]/traffic/route";
import * as deployment from "@/app/api/v1/deployments/[id]/route";
import * as promotions from "@/app/api/v1/promotions/route";
import * as promotion from "@/app/api/v1/promotions/[id]/route";
import * as approve from "@/app/api/v1/promotions/[id]/approve/route";
import * as reject from "@/app/api/v1/promotions/[id]/reject/route";
import * as cancel from "@/app/api/v1/promotions/[id]/cancel/route";
import * as policies from "@/app/api/v1/policies/[environment]/route";
import * as channels from "@/app/api/v1/channels/route";
import { planTraffic } from "@/lib/serving/control/endpoints/plan-traffic";
import { trafficRequestSchema } from "@/lib/serving/control/endpoints/traffic-request";
import { writeRouting } from "@/lib/serving/control/deployments/switch-routing";
import { failDeployment } from "@/lib/serving/control/deployments/run-deployment";
import { requestTraffic } from "@/lib/serving/control/endpoints/request-traffic";
import { maintainPromotions } from "@/lib/governance/maintain-promotions";
import { changeTraffic } from "@/lib/governance/change-traffic";
import { resolveMember } from "@/lib/auth/resolve-member";
import { createRedis } from "@/lib/redis";
import { getServices } from "@/lib/services";
import { call, multipart, type CallOptions } from "./helpers/call";
import { makeWorld, type Person, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";

const db = getDb();
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
afterAll(() => pool.end());
let w: World;
const MODEL = "credit";

type Who = { token?: string; cookie?: string };
const as = (p: Person): Who => ({ cookie: p.cookie });

const pathOf = (id: string, verb?: string) => `/api/v1/promotions/${id}${verb ? `/${verb}` : ""}`;
const get = (id: string, who: Who = as(w.people.viewer)) => call(promotion.GET, "GET", pathOf(id), { ...who, params: { id } });
const decide = (verb: "approve" | "reject" | "cancel", id: string, who: Who, comment?: string) =>
  call({ approve: approve.POST, reject: reject.POST, cancel: cancel.POST }[verb], "POST", pathOf(id, verb), { ...who, body: comment ? { comment } : {}, params: { id } });
const putPolicy = (rules: object, who: Who = as(w.people.admin), environment = "production") =>
  call(policies.PUT, "PUT", `/api/v1/policies/${environment}`, { ...who, body: rules, params: { environment } });
const putTraffic = (endpoint: string, body: object, who: Who) =>
  call(traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { ...who, body: { model: MODEL, ...body }, params: { endpoint } });
const request = (body: object, who: Who = as(w.people.engineer)) => call(promotions.POST, "POST", "/api/v1/promotions", { ...who, body });

async function push(metrics: Record<string, number>, model = MODEL): Promise<number> {
  const r = await call(versions.POST, "POST", `/api/v1/models/${model}/versions`, { token: w.tokens.write, rawBody: multipart(trained().onnx, { metrics }), params: { model } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number;
}

/** A production endpoint of this test's own, serving `version` (written as a past deployment would have). */
async function prodEndpoint(version: number): Promise<string> {
  const name = `prod-${randomUUID().slice(0, 8)}`;
  const r = await call(endpoints.POST, "POST", "/api/v1/endpoints", { cookie: w.people.admin.cookie, body: { name, environment: "production" } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  await serve(name, version);
  return name;
}

async function serve(endpoint: string, version: number) {
  const e = await db.endpoint.findUniqueOrThrow({ where: { name: endpoint } });
  const plan = await planTraffic({ db, teamId: w.teamId, endpoint: e, request: trafficRequestSchema.parse({ model: MODEL, variants: [{ version, weight: 100 }] }) });
  await db.$transaction((tx) => writeRouting(tx, e.id, plan.to));
}

const canaryTo = (version: number) => ({ strategy: "canary", variants: [{ version, weight: 100 }], canary: { steps: [50], bakeSeconds: 1, minRequests: 0 } });

let v1: number, good: number, weak: number;

beforeAll(async () => {
  w = await makeWorld("gov");
  expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: MODEL } })).status).toBe(201);
  v1 = await push({ auc: 0.78, accuracy: 0.74 });
  good = await push({ auc: 0.8, accuracy: 0.75 });
  weak = await push({ auc: 0.6, accuracy: 0.7 });
});

beforeEach(async () => {
  // every test starts from the policy it states; the default one unless it changes it
  expect((await putPolicy({ requiredApprovals: 1, gates: { metrics: ["auc >= champion - 0.005"] } })).status).toBe(200);
});

describe("a production traffic change", () => {
  it("becomes a promotion waiting for approval, with no deployment until it is approved", async () => {
    const ep = await prodEndpoint(v1);
    const before = await db.deployment.count({ where: { endpoint: { name: ep } } });
    const r = await putTraffic(ep, { ...canaryTo(good), reason: "better AUC" }, { token: w.tokens.deploy });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const p = r.json.promotion;
    expect(p).toMatchObject({ kind: "traffic", status: "pending_approval", endpoint: ep, model: MODEL, version: good, reason: "better AUC", requiredApprovals: 1 });
    expect(p.evidence.candidates[0]).toMatchObject({ version: good, metrics: { auc: 0.8 } });
    expect(p.evidence.champion).toMatchObject({ version: v1, metrics: { auc: 0.78 } });
    expect(p.evidence.target).toMatchObject({ kind: "traffic", routingVersion: 1 });
    expect(p.evidence.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect(p.evidenceHash).toMatch(/^[0-9a-f]{64}$/);
    // an approval-waiting change is no pending deployment the reconciler could pick up
    expect(await db.deployment.count({ where: { endpoint: { name: ep } } })).toBe(before);
    expect(p.timeline.map((t: { status: string }) => t.status)).toEqual(["pending_approval"]);
  });

  it("needs four eyes: the requester cannot approve; another approver's approval deploys it, linked both ways", async () => {
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.approver))).json.promotion;
    const own = await decide("approve", p.id, as(w.people.approver));
    expect(own.status).toBe(403);
    expect(own.json.error.message).toMatch(/four-eyes/);
    const ok = await decide("approve", p.id, as(w.people.admin), "AUC is up, canary it");
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.status).toBe("deploying");
    expect(ok.json.approvals).toEqual([expect.objectContaining({ by: w.people.admin.email, decision: "approve", comment: "AUC is up, canary it", evidenceHash: p.evidenceHash, via: "web", voided: false })]);
    const d = await call(deployment.GET, "GET", `/api/v1/deployments/${ok.json.deployment.id}`, { token: w.tokens.read, params: { id: ok.json.deployment.id } });
    expect(d.json).toMatchObject({ strategy: "canary", status: "pending", promotionId: p.id, endpoint: ep });
    expect(ok.json.timeline.map((t: { action: string }) => t.action)).toEqual(["promotion.pending_approval", "promotion.approve", "promotion.approved", "promotion.deploying"]);
  });

  it("refuses tokens and engineers as approvers, and a second decision by the same person", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const byToken = await decide("approve", p.id, { token: w.tokens.all });
    expect(byToken.status).toBe(403);
    expect(byToken.json.error.message).toMatch(/a person must/);
    expect((await decide("approve", p.id, as(w.people.engineer))).status).toBe(403);
    expect((await decide("approve", p.id, as(w.people.approver))).json.status).toBe("pending_approval");
    const twice = await decide("approve", p.id, as(w.people.approver));
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/already approved/);
    expect((await decide("approve", p.id, as(w.people.admin))).json.status).toBe("deploying");
    expect((await decide("reject", p.id, as(w.people.admin))).status).toBe(409);
  });

  it("lets the policy ask for admins as approvers", async () => {
    expect((await putPolicy({ approverRole: "admin" })).status).toBe(200);
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const r = await decide("approve", p.id, as(w.people.approver));
    expect(r.status).toBe(403);
    expect(r.json.error.message).toMatch(/release policy lets admins/);
  });

  it("allows one open promotion per endpoint: a second gets 409, even when both race", async () => {
    const ep = await prodEndpoint(v1);
    const rs = await Promise.all([1, 2, 3].map(() => putTraffic(ep, canaryTo(good), { token: w.tokens.deploy })));
    expect(rs.map((r) => r.status).sort()).toEqual([202, 409, 409]);
    expect(rs.find((r) => r.status === 409)!.json.error.message).toMatch(/already pending_approval/);
    expect(await db.promotion.count({ where: { endpoint: { name: ep } } })).toBe(1);
  });

  it("is blocked by a failing gate, with the reason; fixing the cause takes a new request", async () => {
    const ep = await prodEndpoint(v1);
    const r = await putTraffic(ep, canaryTo(weak), as(w.people.engineer));
    expect(r.status).toBe(202);
    expect(r.json.promotion.status).toBe("blocked");
    expect(r.json.promotion.statusReason).toMatch(/auc >= champion - 0.005: credit v3: auc 0.6 fails >= 0.775/);
    expect((await decide("approve", r.json.promotion.id, as(w.people.admin))).status).toBe(409);
    // blocked is closed: the fixed request is a new promotion
    const again = await putTraffic(ep, canaryTo(good), as(w.people.engineer));
    expect(again.json.promotion.status).toBe("pending_approval");
  });

  it("passes the shadow gate only on enough logged shadow answers close to the served ones", async () => {
    expect((await putPolicy({ gates: { shadow: { minRequests: 20, maxMeanAbsDiff: 0.05 } } })).status).toBe(200);
    const ep = await prodEndpoint(v1);
    const e = await db.endpoint.findUniqueOrThrow({ where: { name: ep } });
    // what the gateway logs for a request served by v1 and copied to a shadow of `good`
    const log = async (n: number, delta: number) => {
      const records = Array.from({ length: n }, () => randomUUID()).flatMap((id): PredictionRecord[] => [
        { t: Date.now(), e: e.id, v: `${MODEL}-v${v1}`, n: v1, id, s: 200, l: 1, sh: false, r: 1, in: null, out: { probability: [0.5] } },
        { t: Date.now(), e: e.id, v: `${MODEL}-v${good}`, n: good, id, s: 200, l: 1, sh: true, r: 1, in: null, out: { probability: [0.5 + delta] } },
      ]);
      await writePredictionBatch(pool, records);
    };
    const attempt = async () => {
      const r = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
      if (r.status === "pending_approval") await decide("cancel", r.id, as(w.people.engineer));
      return r;
    };
    expect((await attempt()).statusReason).toMatch(/credit v2 has not served as a shadow on this endpoint/);
    await log(10, 0.02);
    expect((await attempt()).statusReason).toMatch(/credit v2 has 10 of 20 shadow requests/);
    await log(10, 0.02);
    const passed = await attempt();
    expect(passed.status).toBe("pending_approval");
    const shadowCheck = passed.evidence.checks.find((c: { name: string }) => c.name.startsWith("shadow"));
    expect(shadowCheck).toMatchObject({ passed: true, observed: { compared: 20 } });
    expect(shadowCheck.observed.meanAbsDiff).toBeCloseTo(0.02, 6);
    await log(20, 0.2);
    expect((await attempt()).statusReason).toMatch(/credit v2: mean \|Δ\| 0.11 > 0.05 over 40 requests/);
  });

  it("judges a version already serving a small share like a new one when the change gives it more", async () => {
    const ep = await prodEndpoint(v1);
    const e = await db.endpoint.findUniqueOrThrow({ where: { name: ep } });
    const plan = await planTraffic({ db, teamId: w.teamId, endpoint: e, request: trafficRequestSchema.parse({ model: MODEL, variants: [{ version: v1, weight: 99 }, { version: weak, weight: 1 }] }) });
    await db.$transaction((tx) => writeRouting(tx, e.id, plan.to)); // from before the policy had its gate
    const r = await putTraffic(ep, { variants: [{ version: weak, weight: 100 }] }, as(w.people.engineer));
    expect(r.json.promotion).toMatchObject({ status: "blocked", version: weak });
    expect(r.json.promotion.statusReason).toMatch(/credit v3: auc 0.6 fails/);
  });

  it("is the only way to production: the direct deployment path refuses a production endpoint", async () => {
    const ep = await prodEndpoint(v1);
    const principal = { kind: "user" as const, id: w.people.admin.id, label: w.people.admin.email, teamId: w.teamId, teamSlug: w.slug, role: "admin" as const, scopes: ["read" as const, "write" as const, "deploy" as const] };
    const direct = requestTraffic({ db, redisUrl: process.env.REDIS_URL!, principal, endpointName: ep, request: trafficRequestSchema.parse({ model: MODEL, variants: [{ version: good, weight: 100 }] }) });
    await expect(direct).rejects.toThrow(/production endpoint: its traffic changes go through a promotion/);
    expect(await db.deployment.count({ where: { endpoint: { name: ep } } })).toBe(0);
  });

  it("asks for the policy's strategy when a new version comes in", async () => {
    expect((await putPolicy({ requiredStrategy: "canary" })).status).toBe(200);
    const ep = await prodEndpoint(v1);
    const r = await putTraffic(ep, { strategy: "immediate", variants: [{ version: good, weight: 100 }] }, as(w.people.engineer));
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: "bad_request", field: "body.strategy" });
    expect(r.json.error.message).toMatch(/asks for the canary strategy/);
    const viaPost = await request({ kind: "traffic", endpoint: ep, traffic: { model: MODEL, strategy: "immediate", variants: [{ version: good, weight: 100 }] } });
    expect(viaPost.json.error.field).toBe("body.traffic.strategy");
    expect(await db.promotion.count({ where: { endpoint: { name: ep } } })).toBe(0);
  });
});

describe("evidence bound to the decision", () => {
  it("goes stale when the live routing changes before the last approval, voiding the approvals", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    expect((await decide("approve", p.id, as(w.people.approver))).json.status).toBe("pending_approval");
    await serve(ep, weak); // another change reached the endpoint meanwhile
    const r = await decide("approve", p.id, as(w.people.admin));
    expect(r.status).toBe(409);
    expect(r.json.error.message).toMatch(/stale: .*live routing of ".*" changed \(routing version 1 → 2\)/);
    const after = (await get(p.id)).json;
    expect(after.status).toBe("stale");
    expect(after.approvals).toEqual([expect.objectContaining({ by: w.people.approver.email, voided: true })]);
    expect(after.deployment).toBeNull();
    expect(await db.deployment.count({ where: { endpoint: { name: ep } } })).toBe(0);
  });

  it("waits, approved, while another deployment holds the endpoint, and goes stale if that one changes the routing", async () => {
    const ep = await prodEndpoint(v1);
    const e = await db.endpoint.findUniqueOrThrow({ where: { name: ep } });
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    // a deployment already holds the endpoint (recorded before, still running)
    const busy = await db.deployment.create({ data: { endpointId: e.id, strategy: "immediate", status: "running", plan: {}, steps: [], fromRouting: e.routing ?? {}, toRouting: e.routing ?? {}, createdBy: "someone" } });
    const approved = await decide("approve", p.id, as(w.people.admin));
    expect(approved.json).toMatchObject({ status: "approved", deployment: null });
    await maintainPromotions({ db, redisUrl: process.env.REDIS_URL! });
    expect((await get(p.id)).json.status).toBe("approved"); // still waiting for the endpoint
    // that deployment ends having changed what serves
    await serve(ep, weak);
    await db.deployment.update({ where: { id: busy.id }, data: { status: "succeeded", finishedAt: new Date() } });
    await maintainPromotions({ db, redisUrl: process.env.REDIS_URL! });
    const after = (await get(p.id)).json;
    expect(after.status).toBe("stale");
    expect(after.statusReason).toMatch(/live routing of ".*" changed .*its approvals are void/);
    expect(after.approvals.every((a: { voided: boolean }) => a.voided)).toBe(true);
    expect(await db.deployment.count({ where: { endpointId: e.id } })).toBe(1);
  });

  it("goes stale when a metric is edited or the policy changes while it waits", async () => {
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const version = await db.modelVersion.findFirstOrThrow({ where: { number: good, model: { teamId: w.teamId, name: MODEL } } });
    await db.modelVersion.update({ where: { id: version.id }, data: { metrics: { auc: 0.9, accuracy: 0.75 } } });
    try {
      const r = await decide("approve", p.id, as(w.people.admin));
      expect(r.status).toBe(409);
      expect(r.json.error.message).toMatch(/credit v2's metrics changed/);
    } finally {
      await db.modelVersion.update({ where: { id: version.id }, data: { metrics: { auc: 0.8, accuracy: 0.75 } } });
    }

    const ep2 = await prodEndpoint(v1);
    const q = (await putTraffic(ep2, canaryTo(good), as(w.people.engineer))).json.promotion;
    expect((await putPolicy({ requiredApprovals: 1, gates: { metrics: ["auc >= 0.7"] } })).status).toBe(200);
    await maintainPromotions({ db, redisUrl: process.env.REDIS_URL! });
    const after = (await get(q.id)).json;
    expect(after.status).toBe("stale");
    expect(after.statusReason).toMatch(/the production policy changed \(revision \d+ → \d+\)/);
  });
});

describe("inline placement under the configured INLINE_MAX_MODEL_MB", () => {
  it("a promotion allowed under the configured limit is checked again under that limit, not the default", async () => {
    const big = await push({ auc: 0.8, accuracy: 0.75 });
    const id = (await db.modelVersion.findFirstOrThrow({ where: { number: big, model: { teamId: w.teamId, name: MODEL } } })).id;
    // 100 MiB: over the default limit (64), under the configured one (200)
    await db.modelVersion.update({ where: { id }, data: { sizeBytes: 100 * 2 ** 20 } });
    const ep = await prodEndpoint(v1);
    const engineer = await resolveMember({ db, userId: w.people.engineer.id, teamSlug: w.slug });
    const { promotion: p } = (await changeTraffic({
      db, redisUrl: process.env.REDIS_URL!, principal: engineer, endpointName: ep, inlineMaxModelMb: 200,
      request: trafficRequestSchema.parse({ model: MODEL, ...canaryTo(big), variants: [{ version: big, weight: 100, placement: "inline" }] }),
    })) as { promotion: { id: string } };
    await maintainPromotions({ db, redisUrl: process.env.REDIS_URL!, inlineMaxModelMb: 200 });
    expect((await get(p.id)).json.status).toBe("pending_approval");
    // a process left at the default judges it by 64 MiB: what every re-check did before
    await maintainPromotions({ db, redisUrl: process.env.REDIS_URL! });
    const after = (await get(p.id)).json;
    expect(after.status).toBe("stale");
    expect(after.statusReason).toContain("INLINE_MAX_MODEL_MB");
  });

  it("the approve route judges an inline variant by the web's configured limit", async () => {
    const big = await push({ auc: 0.8, accuracy: 0.75 });
    const id = (await db.modelVersion.findFirstOrThrow({ where: { number: big, model: { teamId: w.teamId, name: MODEL } } })).id;
    await db.modelVersion.update({ where: { id }, data: { sizeBytes: 100 * 2 ** 20 } });
    const inline = { ...canaryTo(big), variants: [{ version: big, weight: 100, placement: "inline" }] };
    const config = getServices().config;
    const configured = config.inlineMaxModelMb;
    try {
      // a web started with INLINE_MAX_MODEL_MB=200 takes the change and its approval
      config.inlineMaxModelMb = 200;
      const p = (await putTraffic(await prodEndpoint(v1), inline, as(w.people.engineer))).json.promotion;
      expect(p.status).toBe("pending_approval");
      const approved = await decide("approve", p.id, as(w.people.admin));
      expect(approved.status, JSON.stringify(approved.json)).toBe(200);
      // approved and under way: not gone stale under the default limit
      expect(approved.json.status).toBe("deploying");
      expect(approved.json.deployment).not.toBeNull();
      // one at the default 64 MiB refuses the same change
      config.inlineMaxModelMb = 64;
      const refused = await putTraffic(await prodEndpoint(v1), inline, as(w.people.engineer));
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.json)).toContain("INLINE_MAX_MODEL_MB");
    } finally {
      config.inlineMaxModelMb = configured;
    }
  });
});

describe("the promotion lifecycle", () => {
  it("expires when nobody decides in time (injected clock)", async () => {
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    expect(new Date(p.expiresAt).getTime() - new Date(p.createdAt).getTime()).toBe(72 * 3600_000);
    await maintainPromotions({ db, redisUrl: process.env.REDIS_URL!, now: new Date(Date.now() + 71 * 3600_000) });
    expect((await get(p.id)).json.status).toBe("pending_approval");
    const counts = await maintainPromotions({ db, redisUrl: process.env.REDIS_URL!, now: new Date(Date.now() + 73 * 3600_000) });
    expect(counts.expired).toBeGreaterThanOrEqual(1);
    const after = (await get(p.id)).json;
    expect(after).toMatchObject({ status: "expired", statusReason: "nobody decided within 72 h" });
    expect((await decide("approve", p.id, as(w.people.admin))).status).toBe(409);
  });

  it("can be cancelled by its requester only, and only before it deploys", async () => {
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const other = await decide("cancel", p.id, as(w.people.admin));
    expect(other.status).toBe(403);
    expect(other.json.error.message).toMatch(/only the requester/);
    const mine = await decide("cancel", p.id, as(w.people.engineer), "wrong split");
    expect(mine.json).toMatchObject({ status: "cancelled", statusReason: `cancelled by ${w.people.engineer.email}: wrong split` });
    expect((await decide("cancel", p.id, as(w.people.engineer))).status).toBe(409);
  });

  it("ends on a rejection by any approver", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    expect((await decide("approve", p.id, as(w.people.admin))).status).toBe(200);
    const r = await decide("reject", p.id, as(w.people.approver), "not before the freeze ends");
    expect(r.json).toMatchObject({ status: "rejected", statusReason: `rejected by ${w.people.approver.email}: not before the freeze ends` });
    expect((await decide("approve", p.id, as(w.people.approver))).status).toBe(409);
  });

  it("follows its deployment: a deployment that fails marks the promotion failed", async () => {
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const d = (await decide("approve", p.id, as(w.people.admin))).json.deployment;
    const redis = createRedis(process.env.REDIS_URL!);
    try {
      await failDeployment({ db, redis, clusterSecret: process.env.CLUSTER_SECRET! }, d.id, "no inference worker has room");
    } finally {
      redis.disconnect();
    }
    expect((await get(p.id)).json).toMatchObject({ status: "failed", statusReason: "deployment failed: no inference worker has room", deployment: { id: d.id, status: "failed" } });
  });

  it("lists by status, newest first, a page at a time", async () => {
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const r = await call(promotions.GET, "GET", `/api/v1/promotions?status=pending_approval&endpoint=${ep}`, { token: w.tokens.read });
    expect(r.json.promotions.map((x: { id: string }) => x.id)).toEqual([p.id]);
    const page = await call(promotions.GET, "GET", "/api/v1/promotions?limit=2", { token: w.tokens.read });
    expect(page.json.promotions).toHaveLength(2);
    const next = await call(promotions.GET, "GET", `/api/v1/promotions?limit=2&cursor=${page.json.nextCursor}`, { token: w.tokens.read });
    expect(next.json.promotions[0].id).not.toBe(page.json.promotions[1].id);
    expect((await call(promotions.GET, "GET", "/api/v1/promotions?status=bogus", { token: w.tokens.read })).json.error.field).toBe("query.status");
    expect((await call(promotions.GET, "GET", "/api/v1/promotions?cursor=nope", { token: w.tokens.read })).json.error.field).toBe("query.cursor");
  });

  it("answers 404 for what does not exist, and never shows another team's promotion", async () => {
    expect((await get("nope")).status).toBe(404);
    expect((await decide("approve", "nope", as(w.people.admin))).status).toBe(404);
    expect((await request({ kind: "traffic", endpoint: "no-such-endpoint", traffic: { model: MODEL, variants: [{ version: 1, weight: 100 }] } })).status).toBe(404);
    expect((await request({ kind: "alias", model: MODEL, alias: "champion", version: 999 })).status).toBe(404);
    expect((await request({ kind: "alias", model: "no-such-model", alias: "champion", version: 1 })).status).toBe(404);
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, canaryTo(good), as(w.people.engineer))).json.promotion;
    const other = await makeWorld("gov-other");
    expect((await get(p.id, { token: other.tokens.read })).status).toBe(404);
    expect((await decide("approve", p.id, as(other.people.admin))).status).toBe(404);
  });
});

describe("notifications", () => {
  it("records each transition's event for the channels that subscribe, in the transaction that makes it", async () => {
    const made = await call(channels.POST, "POST", "/api/v1/channels", {
      cookie: w.people.admin.cookie,
      body: { name: `hook-${randomUUID().slice(0, 6)}`, kind: "webhook", url: "http://127.0.0.1:9/hook", events: ["promotion.requested", "promotion.approved", "promotion.rejected"] },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const ep = await prodEndpoint(v1);
    const p = (await putTraffic(ep, { ...canaryTo(good), reason: "better AUC" }, as(w.people.engineer))).json.promotion;
    await decide("approve", p.id, as(w.people.admin));
    const sent = await db.delivery.findMany({ where: { channelId: made.json.id }, orderBy: { createdAt: "asc" } });
    expect(sent.map((d) => d.eventType)).toEqual(["promotion.requested", "promotion.approved"]);
    expect(sent[0].payload).toMatchObject({
      type: "promotion.requested", team: w.slug,
      data: { promotionId: p.id, status: "pending_approval", endpoint: ep, model: MODEL, version: good, champion: { model: MODEL, version: v1 }, reason: "better AUC", requestedBy: w.people.engineer.email,
        metrics: expect.arrayContaining([{ name: "auc", value: 0.8, champion: 0.78 }]), checks: [expect.objectContaining({ passed: true }), expect.objectContaining({ passed: true })] },
    });
    await call(channels.POST, "POST", "/api/v1/channels", { cookie: w.people.admin.cookie, body: {} }); // a bad request leaves nothing behind
    expect(await db.channel.count({ where: { teamId: w.teamId } })).toBe(1);
  });
});

describe("protected aliases", () => {
  it("moves champion only through a promotion; other aliases move at once", async () => {
    const name = `m-${randomUUID().slice(0, 8)}`;
    expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name } })).status).toBe(201);
    const a = await push({ auc: 0.7 }, name);
    const b = await push({ auc: 0.72 }, name);
    const put = (aliasName: string, version: number, who: CallOptions) => call(alias.PUT, "PUT", `/api/v1/models/${name}/aliases/${aliasName}`, { ...who, body: { version }, params: { model: name, alias: aliasName } });
    expect((await put("challenger", b, { token: w.tokens.write })).status).toBe(200);
    const writeOnly = await put("champion", a, { token: w.tokens.write });
    expect(writeOnly.json.error.message).toMatch(/lacks the "deploy" scope/); // moving champion is a release
    const first = await put("champion", a, { token: w.tokens.all });
    expect(first.status).toBe(202);
    expect(first.json.promotion).toMatchObject({ kind: "alias", status: "pending_approval", alias: "champion", model: name, version: a });
    expect((await put("champion", b, { token: w.tokens.all })).status).toBe(409);
    const ok = await decide("approve", first.json.promotion.id, as(w.people.approver));
    expect(ok.json.status).toBe("deployed");
    const row = await db.alias.findFirstOrThrow({ where: { name: "champion", model: { name, teamId: w.teamId } }, include: { version: true } });
    expect(row.version.number).toBe(a);
    // the next move compares with the champion: auc 0.72 >= 0.7 - 0.005
    const second = await put("champion", b, { token: w.tokens.all });
    expect(second.json.promotion.evidence.champion).toMatchObject({ version: a });
    expect(second.json.promotion.status).toBe("pending_approval");
  });
});

describe("release policies", () => {
  it("are read by anyone in the team and changed by admins only, audited, with defaults until set", async () => {
    const other = await makeWorld("gov-pol");
    const fresh = await call(policies.GET, "GET", "/api/v1/policies/staging", { token: other.tokens.read, params: { environment: "staging" } });
    expect(fresh.json).toMatchObject({ environment: "staging", revision: 0, rules: { requiredApprovals: 1, fourEyes: true, approverRole: "approver", protectedAliases: ["champion"], expiryHours: 72, requiredStrategy: null } });
    expect((await putPolicy({}, as(other.people.approver))).status).toBe(403);
    expect((await putPolicy({}, { token: other.tokens.all })).status).toBe(403);
    const r = await putPolicy({ requiredApprovals: 2, gates: { metrics: ["auc >= 0.75"], shadow: { minRequests: 100, maxMeanAbsDiff: 0.05 } } }, as(other.people.admin));
    expect(r.json).toMatchObject({ revision: 1, updatedBy: other.people.admin.email, rules: { requiredApprovals: 2 } });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { teamId: other.teamId, action: "policy.update" } });
    expect(audit.after).toMatchObject({ revision: 1, rules: { requiredApprovals: 2 } });
  });

  it("refuse values out of range, unknown metrics and malformed gates, naming the field", async () => {
    const cases: [object, string][] = [
      [{ requiredApprovals: -1 }, "body.requiredApprovals"],
      [{ approverRole: "engineer" }, "body.approverRole"],
      [{ expiryHours: 0 }, "body.expiryHours"],
      [{ gates: { metrics: ["auc >> 0.7"] } }, "body.gates.metrics.0"],
      [{ gates: { metrics: ["auc >= 0.7", "aucc >= 0.7"] } }, "body.gates.metrics.1"],
      [{ gates: { shadow: { minRequests: 0, maxMeanAbsDiff: 0.1 } } }, "body.gates.shadow.minRequests"],
      [{ bogus: true }, "body"],
    ];
    const before = await db.releasePolicy.findFirstOrThrow({ where: { teamId: w.teamId, environment: "production" } });
    for (const [rules, field] of cases) {
      const r = await putPolicy(rules);
      expect(r.status, JSON.stringify(rules)).toBe(400);
      expect(r.json.error.field, JSON.stringify(rules)).toBe(field);
    }
    expect((await putPolicy({ gates: { metrics: ["aucc >= 0.7"] } })).json.error.message).toMatch(/unknown metric "aucc"/);
    const after = await db.releasePolicy.findFirstOrThrow({ where: { teamId: w.teamId, environment: "production" } });
    expect(after.revision).toBe(before.revision);
  });
});
