// The demo seed's governance part, against the real database: a production endpoint, its release
// policy and an approver, seeded once however often `npm start` runs; and the journey a new user takes
// with them (request v2 as the admin, approve as the approver) passes the seeded policy.
// Queued jobs go to a private redis-server (no job workers run here), so no other test sees them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { getServices } from "@/lib/services";
import { seedDemo } from "@/lib/seed/seed-demo";
import { DEMO_PROD_ENDPOINT } from "@/lib/seed/seed-governance";
import { resolveMember } from "@/lib/auth/resolve-member";
import { readPolicy } from "@/lib/governance/read-policy";
import { requestPromotion } from "@/lib/governance/request-promotion";
import { decidePromotion } from "@/lib/governance/decide-promotion";
import { decisionRightsFor, listAwaitingDecision } from "@/lib/governance/awaiting-decision";
import { planTraffic } from "@/lib/serving/control/endpoints/plan-traffic";
import { trafficRequestSchema } from "@/lib/serving/control/endpoints/traffic-request";
import { writeRouting } from "@/lib/serving/control/deployments/switch-routing";
import { readDriftSettings } from "@/lib/monitoring/drift/drift-settings";
import { updateDriftSettings } from "@/lib/monitoring/drift/update-drift-settings";
import { createScheduledReport } from "@/lib/monitoring/drift/scheduled-reports";
import { startRedis } from "./helpers/processes";

const db = getDb();
let redis: Awaited<ReturnType<typeof startRedis>>;
const ADMIN = "seed-admin@example.test";
const APPROVER = "seed-approver@example.test";

const seed = () => seedDemo({ db, store: getServices().store, adminEmail: ADMIN, approverEmail: APPROVER, redisUrl: redis.url });
const counts = async () => ({
  users: await db.user.count(), endpoints: await db.endpoint.count(), deployments: await db.deployment.count(),
  policies: await db.releasePolicy.count(), audit: await db.auditEvent.count(), memberships: await db.membership.count(),
});

let first: Awaited<ReturnType<typeof seed>>;

beforeAll(async () => {
  redis = await startRedis();
  first = await seed();
}, 120_000);

afterAll(async () => {
  await redis?.stop();
});

describe("the demo seed", () => {
  it("creates the approver with a first password shown once, and changes nothing when it runs again", async () => {
    expect(first.approver).toBe(APPROVER);
    expect(first.approverInitialPassword).toMatch(/^\S{16,}$/);
    const user = await db.user.findUniqueOrThrow({ where: { email: APPROVER }, include: { memberships: { include: { team: true } } } });
    expect(user.mustChangePassword).toBe(true);
    expect(user.memberships.map((m) => [m.team.slug, m.role])).toEqual([["demo", "approver"]]);

    const before = await counts();
    const again = await seed();
    expect(again.approverInitialPassword).toBeUndefined();
    expect(again.initialPassword).toBeUndefined();
    expect(await counts()).toEqual(before);
  }, 60_000);

  it("creates credit-risk-prod serving v1, deployed directly by the system, and the production policy", async () => {
    const ep = await db.endpoint.findUniqueOrThrow({ where: { name: DEMO_PROD_ENDPOINT }, include: { deployments: true } });
    expect(ep.environment).toBe("production");
    expect(ep.deployments.map((d) => [d.strategy, d.createdBy])).toEqual([["immediate", "switchyard"]]);
    expect(await db.promotion.count({ where: { endpointId: ep.id } })).toBe(0);
    const team = await db.team.findUniqueOrThrow({ where: { slug: "demo" } });
    const policy = await readPolicy(db, team.id, "production");
    expect(policy).toMatchObject({ revision: 1, updatedBy: "switchyard" });
    expect(policy.rules).toMatchObject({ requiredApprovals: 1, fourEyes: true, approverRole: "approver", requiredStrategy: "canary", gates: { metrics: ["auc >= champion - 0.01"], signature: true, shadow: null } });
  });

  it("gives the demo endpoint an error-rate rule and a drift-share rule, once", async () => {
    const ep = await db.endpoint.findUniqueOrThrow({ where: { name: "credit-risk" } });
    const rules = await db.alertRule.findMany({ where: { endpointId: ep.id }, orderBy: { createdAt: "asc" } });
    expect(rules.map((r) => [r.metric, r.operator, r.threshold, r.enabled])).toEqual([["error_rate", ">", 0.05, true], ["drift_share", ">=", 0.5, true]]);
    await seed();
    expect(await db.alertRule.count({ where: { endpointId: ep.id } })).toBe(2);
  }, 60_000);

  it("schedules a drift report on the demo endpoint, hourly over the last 24 h, against reference data both versions carry", async () => {
    const ep = await db.endpoint.findUniqueOrThrow({ where: { name: "credit-risk" } });
    expect((await readDriftSettings(db, ep.id)).schedule).toEqual({ everyMinutes: 60, windowMinutes: 1440 });
    // the trainer's training rows are each version's reference data (German credit: 20 inputs)
    const versions = await db.modelVersion.findMany({ where: { model: { name: "credit-risk" } }, orderBy: { number: "asc" } });
    expect(versions.map((v) => [v.number, v.referenceSha256 !== null, (v.referenceRows ?? 0) > 500])).toEqual([[1, true, true], [2, true, true]]);

    // before the first deployment has run nothing is routed: the scheduled run waits
    expect(await createScheduledReport({ db, redisUrl: redis.url, endpointId: ep.id })).toBe("no_reference");
    // once the job workers have applied the seeded split (v1 90%, v2 10%), a run compares 24 h with v1's reference
    const plan = await planTraffic({ db, teamId: ep.teamId, endpoint: ep, request: trafficRequestSchema.parse({ model: "credit-risk", variants: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] }) });
    await db.$transaction((tx) => writeRouting(tx, ep.id, plan.to));
    const now = new Date();
    expect(await createScheduledReport({ db, redisUrl: redis.url, endpointId: ep.id, now })).toBe("queued");
    const report = await db.driftReport.findFirstOrThrow({ where: { endpointId: ep.id } });
    expect([report.scheduled, report.referenceModel, report.referenceVersion, report.version, report.status]).toEqual([true, "credit-risk", 1, null, "queued"]);
    expect(now.getTime() - report.from.getTime()).toBe(24 * 3_600_000);

    // seeded once: a schedule someone turned off stays off
    const team = await db.team.findUniqueOrThrow({ where: { slug: "demo" } });
    const admin = await resolveMember({ db, userId: (await db.user.findUniqueOrThrow({ where: { email: ADMIN } })).id, teamSlug: team.slug });
    await updateDriftSettings({ db, principal: admin, endpointName: "credit-risk", schedule: null });
    await seed();
    expect((await readDriftSettings(db, ep.id)).schedule).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "drift.settings", resourceId: ep.id } })).toBe(2);
  }, 60_000);

  it("keeps a policy an admin changed since", async () => {
    const team = await db.team.findUniqueOrThrow({ where: { slug: "demo" } });
    await db.releasePolicy.update({ where: { teamId_environment: { teamId: team.id, environment: "production" } }, data: { revision: 7 } });
    await seed();
    expect((await readPolicy(db, team.id, "production")).revision).toBe(7);
    await db.releasePolicy.update({ where: { teamId_environment: { teamId: team.id, environment: "production" } }, data: { revision: 1 } });
  }, 60_000);

  it("lets the admin request v2 on credit-risk-prod: every check passes, and it waits for the approver, who approves it", async () => {
    // what the job workers would have done with the seeded deployment
    const ep = await db.endpoint.findUniqueOrThrow({ where: { name: DEMO_PROD_ENDPOINT } });
    const plan = await planTraffic({ db, teamId: ep.teamId, endpoint: ep, request: trafficRequestSchema.parse({ model: "credit-risk", variants: [{ version: 1, weight: 100 }] }) });
    await db.$transaction((tx) => writeRouting(tx, ep.id, plan.to));
    await db.deployment.updateMany({ where: { endpointId: ep.id }, data: { status: "succeeded" } });

    const admin = await resolveMember({ db, userId: (await db.user.findUniqueOrThrow({ where: { email: ADMIN } })).id, teamSlug: "demo" });
    const approver = await resolveMember({ db, userId: (await db.user.findUniqueOrThrow({ where: { email: APPROVER } })).id, teamSlug: "demo" });
    const p = await requestPromotion({
      db, redisUrl: redis.url, principal: admin,
      input: { kind: "traffic", endpoint: DEMO_PROD_ENDPOINT, reason: "MLP beats the baseline", traffic: trafficRequestSchema.parse({ model: "credit-risk", strategy: "canary", variants: [{ version: 2, weight: 100 }], canary: { steps: [50], bakeSeconds: 1, minRequests: 0 } }) },
    });
    expect(p.status, p.statusReason ?? "").toBe("pending_approval");
    expect(p.evidence.checks.map((c) => [c.name, c.passed])).toEqual([["metric: auc >= champion - 0.01", true], ["signature compatible with the live version", true]]);

    expect((await listAwaitingDecision({ db, principal: approver })).map((x) => x.id)).toEqual([p.id]);
    expect(await listAwaitingDecision({ db, principal: admin })).toEqual([]);
    expect(await decisionRightsFor({ db, principal: admin, promotionId: p.id })).toEqual({ approve: false, reject: false });
    expect(await decisionRightsFor({ db, principal: approver, promotionId: p.id })).toEqual({ approve: true, reject: true });

    const approved = await decidePromotion({ db, redisUrl: redis.url, principal: approver, id: p.id, decision: "approve", comment: "looks good", via: "web" });
    expect(approved.status).toBe("deploying");
    expect(await listAwaitingDecision({ db, principal: approver })).toEqual([]);
    expect(await decisionRightsFor({ db, principal: approver, promotionId: p.id })).toEqual({ approve: false, reject: false });
  }, 60_000);
});
