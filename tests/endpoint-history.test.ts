// What served an endpoint and when, through the REST API against the real database. Deployments are
// recorded by the real traffic and promotion routes; no job worker runs here, so each one is carried
// out the way the runner does it (each step done with its time, a shift or switch writing the routing
// in the same transaction, the finish followed by the promotion), or failed by the runner's own
// failDeployment, which puts the old routing back.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { readJson, toJson } from "@/lib/db/json";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as traffic from "@/app/api/v1/endpoints/[endpoint]/traffic/route";
import * as history from "@/app/api/v1/endpoints/[endpoint]/history/route";
import * as promotions from "@/app/api/v1/promotions/route";
import * as approve from "@/app/api/v1/promotions/[id]/approve/route";
import { canaryRouting, stepsSchema } from "@/lib/serving/control/deployments/plan";
import { writeRouting } from "@/lib/serving/control/deployments/switch-routing";
import { failDeployment } from "@/lib/serving/control/deployments/run-deployment";
import { planTraffic } from "@/lib/serving/control/endpoints/plan-traffic";
import { trafficRequestSchema } from "@/lib/serving/control/endpoints/traffic-request";
import { followDeployment } from "@/lib/governance/follow-deployment";
import { asRouting } from "@/lib/serving/shared/routing";
import { createRedis } from "@/lib/redis";
import { revertRequest } from "@/lib/web/revert-request";
import { call, multipart, type CallOptions } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";

const db = getDb();
const MODEL = "credit";
let w: World;
let v1: number, v2: number;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Entry = {
  id: string; from: string; until: string | null; current: boolean; change: string; percent: number | null;
  routing: { variants: { name: string; weight: number; role: "primary" | "canary" | "shadow"; model: string; version: number; device: "cpu" | "gpu"; replicas: number }[]; sticky: null };
  deployment: { id: string; status: string; strategy: string; outcomeReason: string | null } | null;
  requestedBy: string | null; approvedBy: { by: string; comment: string }[]; promotionId: string | null;
};

const read = (endpoint: string, query = "", who: CallOptions = { token: w.tokens.read }) =>
  call(history.GET, "GET", `/api/v1/endpoints/${endpoint}/history${query}`, { ...who, params: { endpoint } });
const shares = (e: Entry) => e.routing.variants.map((v) => `${v.name}:${v.weight}${v.role === "primary" ? "" : `:${v.role}`}`).join(" ");
const putTraffic = (endpoint: string, body: object, who: CallOptions = { cookie: w.people.engineer.cookie }) =>
  call(traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { ...who, body: { model: MODEL, ...body }, params: { endpoint } });

async function push(): Promise<number> {
  const r = await call(versions.POST, "POST", `/api/v1/models/${MODEL}/versions`, { token: w.tokens.write, rawBody: multipart(trained().onnx, { metrics: { auc: 0.8 } }), params: { model: MODEL } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number;
}

async function newEndpoint(environment: "staging" | "production"): Promise<string> {
  const name = `hist-${randomUUID().slice(0, 8)}`;
  const r = await call(endpoints.POST, "POST", "/api/v1/endpoints", { cookie: w.people.admin.cookie, body: { name, environment } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return name;
}

/**
 * Carries out a recorded deployment's steps as the runner does, a few ms apart so that each has its
 * own time; `through` stops after that step index (the deployment stays running), otherwise it succeeds.
 */
async function runSteps(id: string, through?: number) {
  const d = await db.deployment.findUniqueOrThrow({ where: { id } });
  const steps = readJson(stepsSchema, d.steps, "steps");
  const from = asRouting(d.fromRouting), to = asRouting(d.toRouting);
  const last = through ?? steps.length - 1;
  const startedAt = d.startedAt ?? new Date();
  for (let i = d.currentStep; i <= last; i++) {
    await sleep(15);
    const s = steps[i];
    s.status = "done";
    s.startedAt = s.finishedAt = new Date().toISOString();
    await db.$transaction(async (tx) => {
      const routing = s.kind === "shift" ? canaryRouting(from, to, s.percent!) : s.kind === "switch" ? to : null;
      if (routing) await writeRouting(tx, d.endpointId, routing);
      await tx.deployment.update({ where: { id }, data: { status: "running", startedAt, currentStep: i + 1, steps: toJson(steps) } });
    });
  }
  if (last < steps.length - 1) return;
  await sleep(15);
  await db.$transaction(async (tx) => {
    await tx.deployment.update({ where: { id }, data: { status: "succeeded", finishedAt: new Date() } });
    await followDeployment(tx, { id, status: "succeeded" });
  });
}

async function fail(id: string, reason: string) {
  await sleep(15);
  const redis = createRedis(process.env.REDIS_URL!);
  try {
    await failDeployment({ db, redis, clusterSecret: process.env.CLUSTER_SECRET! }, id, reason);
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  w = await makeWorld("hist");
  expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: MODEL } })).status).toBe(201);
  v1 = await push();
  v2 = await push();
});

describe("a staging endpoint's history", () => {
  let ep: string;
  let all: Entry[];

  beforeAll(async () => {
    ep = await newEndpoint("staging");
    const first = await putTraffic(ep, { variants: [{ version: v1, weight: 100 }], reason: "first light" });
    expect(first.status, JSON.stringify(first.json)).toBe(202);
    await runSteps(first.json.id);
    // a canary that shifts 10% then 50%, and fails during its second bake: v1 serves alone again
    const failing = await putTraffic(ep, { strategy: "canary", variants: [{ version: v2, weight: 100 }], canary: { steps: [10, 50], bakeSeconds: 1 } });
    await runSteps(failing.json.id, 3);
    await fail(failing.json.id, "no inference worker has room");
    // the same change again, in one 50% step, that completes
    const ok = await putTraffic(ep, { strategy: "canary", variants: [{ version: v2, weight: 100 }], canary: { steps: [50], bakeSeconds: 1 }, reason: "second try" });
    await runSteps(ok.json.id);
    const r = await read(ep);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ endpoint: ep, environment: "staging", nextCursor: null });
    all = r.json.entries;
  });

  it("lists every routing it served, newest first, each canary step with its mix, and the old routing put back after the failure", () => {
    expect(all.map((e) => [e.change, e.percent, shares(e), e.deployment?.strategy, e.deployment?.status])).toEqual([
      ["switch", null, `credit-v${v2}:100`, "canary", "succeeded"],
      ["canary_step", 50, `credit-v${v1}:50 credit-v${v2}:50:canary`, "canary", "succeeded"],
      ["restore", null, `credit-v${v1}:100`, "canary", "failed"],
      ["canary_step", 50, `credit-v${v1}:50 credit-v${v2}:50:canary`, "canary", "failed"],
      ["canary_step", 10, `credit-v${v1}:90 credit-v${v2}:10:canary`, "canary", "failed"],
      ["switch", null, `credit-v${v1}:100`, "immediate", "succeeded"],
    ]);
    expect(all[2].deployment!.outcomeReason).toBe("no inference worker has room");
    expect(all.every((e) => e.requestedBy === w.people.engineer.email && e.promotionId === null && e.approvedBy.length === 0)).toBe(true);
  });

  it("says from when to when each served: each until is the from of the next, and only the newest serves now", () => {
    for (let i = 1; i < all.length; i++) {
      expect(all[i].until).toBe(all[i - 1].from);
      expect(Date.parse(all[i].from)).toBeLessThan(Date.parse(all[i - 1].from));
    }
    expect(all.map((e) => e.current)).toEqual([true, false, false, false, false, false]);
    expect(all[0].until).toBeNull();
  });

  it("times each step by when the runner finished it, and the restore by when the deployment finished", async () => {
    const failed = await db.deployment.findUniqueOrThrow({ where: { id: all[2].deployment!.id } });
    const steps = readJson(stepsSchema, failed.steps, "steps");
    expect(all[4].from).toBe(steps[1].finishedAt); // shift 10%
    expect(all[3].from).toBe(steps[3].finishedAt); // shift 50%
    expect(all[2].from).toBe(failed.finishedAt!.toISOString());
  });

  it("answers what served at a moment, from included and until not", async () => {
    const mid = (e: Entry) => new Date((Date.parse(e.from) + Date.parse(e.until!)) / 2).toISOString();
    const tenPercent = await read(ep, `?at=${encodeURIComponent(mid(all[4]))}`);
    expect(tenPercent.status).toBe(200);
    expect(tenPercent.json.entries).toEqual([all[4]]);
    expect((await read(ep, `?at=${encodeURIComponent(all[2].from)}`)).json.entries[0].id).toBe(all[2].id);
    expect((await read(ep, `?at=${encodeURIComponent(new Date().toISOString())}`)).json.entries[0].id).toBe(all[0].id);
    // an offset other than Z is the same moment
    const local = new Date(Date.parse(mid(all[5])) + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    expect((await read(ep, `?at=${encodeURIComponent(local)}`)).json.entries[0].id).toBe(all[5].id);
  });

  it("says plainly that nothing served before the first routing, and refuses a time in the future", async () => {
    const before = await read(ep, `?at=${encodeURIComponent(new Date(Date.parse(all[5].from) - 1).toISOString())}`);
    expect(before.status).toBe(404);
    expect(before.json.error.message).toMatch(new RegExp(`nothing served on "${ep}" at .*: its first routing went live at ${all[5].from.replace(/\./g, "\\.")}`));
    const future = await read(ep, `?at=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(future.status).toBe(400);
    expect(future.json.error).toMatchObject({ code: "bad_request", field: "query.at" });
    expect(future.json.error.message).toMatch(/is in the future/);
    const garbage = await read(ep, "?at=yesterday");
    expect(garbage.status).toBe(400);
    expect(garbage.json.error.field).toBe("query.at");
  });

  it("pages by cursor: the pages together are the whole list", async () => {
    const seen: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await read(ep, `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      seen.push(...r.json.entries);
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(all);
    const bad = await read(ep, "?cursor=nope");
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("query.cursor");
    expect((await read(ep, `?cursor=${all[1].id}&at=${encodeURIComponent(all[1].from)}`)).status).toBe(400);
  });

  it("is readable by every member and read token, and by no other team", async () => {
    expect((await read(ep, "", { cookie: w.people.viewer.cookie })).status).toBe(200);
    const other = await makeWorld("hist-other");
    expect((await read(ep, "", { token: other.tokens.read })).status).toBe(404);
    expect((await read("no-such-endpoint")).status).toBe(404);
  });

  it("reverts to a past routing: the request the page's button sends puts it back", async () => {
    const past = all[5];
    const req = revertRequest({ endpoint: ep, environment: "staging", routing: past.routing, servedFrom: past.from, live: all[0].routing.variants, requiredStrategy: null });
    expect(req.method).toBe("PUT");
    const r = await call(traffic.PUT, req.method, req.path, { cookie: w.people.engineer.cookie, body: req.body, params: { endpoint: ep } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json).toMatchObject({ strategy: "immediate", reason: `revert to routing of ${past.from.slice(0, 16).replace("T", " ")} UTC` });
    await runSteps(r.json.id);
    const after = (await read(ep, "?limit=1")).json.entries[0];
    expect(shares(after)).toBe(shares(past));
    expect(after.deployment.id).toBe(r.json.id);
  });
});

describe("a production endpoint's history", () => {
  it("shows who asked and who approved a promotion's deployment, and what served before any deployment", async () => {
    const ep = await newEndpoint("production");
    // v1 written as a deployment from before history would have left it
    const e = await db.endpoint.findUniqueOrThrow({ where: { name: ep } });
    const plan = await planTraffic({ db, teamId: w.teamId, endpoint: e, request: trafficRequestSchema.parse({ model: MODEL, variants: [{ version: v1, weight: 100 }] }) });
    await db.$transaction((tx) => writeRouting(tx, e.id, plan.to));
    const initial = (await read(ep)).json.entries;
    expect(initial).toEqual([expect.objectContaining({ id: "initial", change: "initial", current: true, deployment: null, requestedBy: null, from: e.createdAt.toISOString() })]);

    const asked = await putTraffic(ep, { variants: [{ version: v2, weight: 100 }], reason: "better AUC" });
    expect(asked.status, JSON.stringify(asked.json)).toBe(202);
    const p = asked.json.promotion;
    // approval-waiting: nothing changed what served
    expect((await read(ep)).json.entries).toHaveLength(1);
    const ok = await call(approve.POST, "POST", `/api/v1/promotions/${p.id}/approve`, { cookie: w.people.approver.cookie, body: { comment: "metrics hold up" }, params: { id: p.id } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    await runSteps(ok.json.deployment.id);

    const [now, before] = (await read(ep)).json.entries as Entry[];
    expect(now).toMatchObject({
      change: "switch", current: true, promotionId: p.id, requestedBy: w.people.engineer.email,
      approvedBy: [expect.objectContaining({ by: w.people.approver.email, comment: "metrics hold up" })],
      deployment: { id: ok.json.deployment.id, strategy: "immediate", status: "succeeded", outcomeReason: null },
    });
    expect(shares(now)).toBe(`credit-v${v2}:100`);
    expect(before).toMatchObject({ id: "initial", until: now.from, current: false });

    // reverting goes through a promotion like any production change
    const req = revertRequest({ endpoint: ep, environment: "production", routing: before.routing, servedFrom: before.from, live: now.routing.variants, requiredStrategy: null });
    expect(req.method).toBe("POST");
    const revert = await call(promotions.POST, "POST", req.path, { cookie: w.people.engineer.cookie, body: req.body });
    expect(revert.status, JSON.stringify(revert.json)).toBe(201);
    expect(revert.json).toMatchObject({ kind: "traffic", status: "pending_approval", endpoint: ep, version: v1, reason: req.body.reason });
  });
});
