// Alert rules end to end: the rules API, the evaluator on synthetic traffic written by the real
// write path (rollups and log), real Postgres, Redis and a BullMQ notifications worker, and local
// HTTP servers standing in for a webhook receiver, PagerDuty and Slack.
import { INLINE_MAX_MODEL_MB_DEFAULT } from "@/lib/serving/shared/inline-placement";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as rulesRoute from "@/app/api/v1/endpoints/[endpoint]/alert-rules/route";
import * as ruleRoute from "@/app/api/v1/endpoints/[endpoint]/alert-rules/[id]/route";
import * as silenceRoute from "@/app/api/v1/endpoints/[endpoint]/alert-rules/[id]/silence/route";
import * as alertsRoute from "@/app/api/v1/alerts/route";
import * as feedbackRoute from "@/app/api/v1/endpoints/[endpoint]/feedback/route";
import { evaluateAlertRules } from "@/lib/alerts/evaluate-alert-rules";
import { startJobWorkers, type JobWorkers } from "@/lib/jobs/job-workers";
import { sendNotificationJob } from "@/lib/jobs/definitions/send-notification";
import { bullConnection } from "@/lib/jobs/queues";
import { createLogger } from "@/lib/log";
import { createRedis } from "@/lib/redis";
import { LocalArtifactStore } from "@/lib/storage/artifact-store";
import { closeNotificationsQueues } from "@/lib/notifications/queue-deliveries";
import { createChannel } from "@/lib/notifications/create-channel";
import type { NotifySettings } from "@/lib/notifications/notify-settings";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { seededRandom } from "@/lib/training/random";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { waitFor } from "./helpers/processes";
import { startReceiver, type Receiver } from "./helpers/receiver";

const db = getDb();
const redisUrl = process.env.REDIS_URL!;
const settings: NotifySettings = { secretKey: process.env.NEXTAUTH_SECRET!, allowPrivateNetworks: true, backoffBaseMs: 20, appUrl: "https://switchyard.example.com" };
const MIN = 60_000;

let w: World;
let other: World;
let workers: JobWorkers;
let pool: pg.Pool;
const redis = createRedis(redisUrl);
let hook: Receiver, pager: Receiver, slack: Receiver;
const channels = { webhook: "", pagerduty: "", slack: "" };

const as = (who: "viewer" | "engineer" | "admin") => ({ cookie: w.people[who].cookie, headers: { "x-switchyard-team": w.slug } });
const post = (endpoint: string, body: object, who: "viewer" | "engineer" = "engineer") =>
  call(rulesRoute.POST, "POST", `/api/v1/endpoints/${endpoint}/alert-rules`, { ...as(who), body, params: { endpoint } });

/** An endpoint serving one model whose inputs are age and income (the version row is all rules look at). */
async function newEndpoint(team = w) {
  const name = `alerts-${randomUUID().slice(0, 8)}`;
  const model = await db.model.create({ data: { teamId: team.teamId, name: `m-${name}`, task: "classification", createdBy: "test" } });
  const version = await db.modelVersion.create({
    data: { modelId: model.id, number: 1, sha256: "0".repeat(64), sizeBytes: 1, createdBy: "test",
      signature: { inputs: [{ name: "age", type: "float32", shape: ["?", 1] }, { name: "income", type: "float32", shape: ["?", 1] }], outputs: [{ name: "label", type: "int64", shape: ["?"] }] } },
  });
  const variant = { name: `${model.name}-v1`, model: model.name, version: 1, versionId: version.id, sha256: "0".repeat(64), weight: 100, role: "primary", device: "cpu", replicas: 1 };
  const e = await db.endpoint.create({ data: { teamId: team.teamId, name, routing: { variants: [variant], sticky: null }, createdBy: "test" } });
  return { id: e.id, name, variant: variant.name };
}

/** `n` requests in the minute starting at `minute`, `errors` of them failed. */
async function traffic(e: { id: string; variant: string }, minute: number, n: number, errors: number) {
  const recs = Array.from({ length: n }, (_, i) => ({ t: minute + 1_000 + i, e: e.id, v: e.variant, n: 1, id: randomUUID(), s: i < errors ? 500 : 200, l: 5, sh: false, r: 1, in: null, out: i < errors ? null : { label: [1] } }));
  expect(await writePredictionBatch(pool, recs)).toBe(n);
}

const deliveriesOf = (incidentId: string) => db.delivery.findMany({ where: { eventId: { startsWith: `alert_${incidentId}_` } }, include: { channel: true }, orderBy: { createdAt: "asc" } });
const sentTo = (r: Receiver, dedupKey: string) => r.requests.filter((q) => q.body.includes(dedupKey));

beforeAll(async () => {
  w = await makeWorld("alr");
  other = await makeWorld("alr-other");
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  await ensurePartitions(pool, 2, new Date(Date.now() - 2 * 86_400_000));
  workers = startJobWorkers({
    jobs: [{ job: sendNotificationJob, concurrency: 8 }],
    connection: bullConnection(redisUrl), lockMs: 30_000, stalledMs: 30_000, log: createLogger("alerts-test", "silent"),
    ctx: {
      db, redis, pool, redisUrl, log: () => {},
      settings: { ingestLagMs: 0, predictionLogRetentionDays: 30, clusterSecret: "unused-here", inlineMaxModelMb: INLINE_MAX_MODEL_MB_DEFAULT },
      artifacts: { store: new LocalArtifactStore(process.env.ARTIFACT_DIR!), graceMs: 0 },
      notify: settings,
    },
  });
  [hook, pager, slack] = await Promise.all([startReceiver(), startReceiver(() => ({ status: 202, body: '{"status":"success"}' })), startReceiver()]);
  const mk = async (input: Parameters<typeof createChannel>[0]["input"]) => (await createChannel({ db, teamId: w.teamId, actor: SYSTEM_ACTOR, settings, input })).id;
  // subscribed to something else: the rule's channel list is what sends them alerts
  channels.webhook = await mk({ name: "am-hook", kind: "webhook", url: `${hook.url}/alertmanager`, events: ["deployment.failed"] });
  channels.pagerduty = await mk({ name: "oncall", kind: "pagerduty", routingKey: "R0UTINGKEY0000000000000000000000", eventsUrl: `${pager.url}/v2/enqueue`, events: ["deployment.failed"] });
  channels.slack = await mk({ name: "alerts-slack", kind: "slack", url: `${slack.url}/services/T0/B0/xyz`, events: ["deployment.failed"] });
});

afterAll(async () => {
  await workers?.close();
  await closeNotificationsQueues();
  await Promise.all([hook, pager, slack].map((r) => r?.close()));
  redis.disconnect();
  await pool?.end();
});

describe("an error-rate rule on synthetic traffic", () => {
  it("goes pending → firing → resolved with `for`, sends exactly one firing and one resolve per channel, one dedup key end to end", async () => {
    const e = await newEndpoint();
    const created = await post(e.name, { name: "High error rate", metric: "error_rate", operator: ">", threshold: 0.1, windowSeconds: 120, forSeconds: 60, severity: "critical", channels: Object.values(channels) });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ endpoint: e.name, metric: "error_rate", state: "inactive", incident: null, channels: Object.values(channels) });
    const ruleId: string = created.json.id;
    const stateOf = async () => (await call(rulesRoute.GET, "GET", `/api/v1/endpoints/${e.name}/alert-rules`, { ...as("viewer"), params: { endpoint: e.name } })).json.rules.find((r: { id: string }) => r.id === ruleId);
    const evalAt = (t: number) => evaluateAlertRules({ db, redisUrl, now: new Date(t) });

    const t0 = Math.floor(Date.now() / MIN) * MIN - 30 * MIN;
    await traffic(e, t0, 100, 0);
    await traffic(e, t0 + MIN, 100, 50);
    await traffic(e, t0 + 3 * MIN, 100, 0);

    await evalAt(t0 + 30_000); // minute t0 only: 0 errors
    expect((await stateOf()).state).toBe("inactive");

    await evalAt(t0 + MIN + 30_000); // minutes t0, t0+1: 50 of 200
    let rule = await stateOf();
    expect(rule).toMatchObject({ state: "pending", incident: { state: "pending", valueAtStart: 0.25, firingAt: null } });

    await evalAt(t0 + 2 * MIN); // still 0.25, held for 30 s of the 60 s
    expect((await stateOf()).state).toBe("pending");

    await evalAt(t0 + 2 * MIN + 30_000); // minutes t0+1, t0+2: 50 of 100; held 60 s → firing
    rule = await stateOf();
    expect(rule).toMatchObject({ state: "firing", incident: { state: "firing", valueAtFire: 0.5, peakValue: 0.5, notified: { firing: true, resolved: false } } });
    const incidentId: string = rule.incident.id;
    const dedupKey: string = rule.incident.dedupKey;

    // the same cycle again, and three at once: nothing fires twice
    await evalAt(t0 + 2 * MIN + 30_000);
    await Promise.all([0, 1, 2].map(() => evalAt(t0 + 2 * MIN + 40_000)));
    expect(await deliveriesOf(incidentId)).toHaveLength(3);
    expect(await db.alertIncident.count({ where: { ruleId } })).toBe(1);

    await evalAt(t0 + 4 * MIN + 30_000); // minutes t0+3, t0+4: 0 of 100
    rule = await stateOf();
    expect(rule).toMatchObject({ state: "inactive", incident: null });
    await Promise.all([0, 1].map(() => evalAt(t0 + 4 * MIN + 40_000)));
    const incident = await db.alertIncident.findUniqueOrThrow({ where: { id: incidentId } });
    expect(incident).toMatchObject({ state: "resolved", openFor: null, valueAtFire: 0.5, valueAtResolve: 0, peakValue: 0.5, notifiedFiring: true, notifiedResolved: true });

    const ds = await deliveriesOf(incidentId);
    expect(ds.map((d) => `${d.channel.kind}:${d.eventType}`).sort()).toEqual(["pagerduty:alert.firing", "pagerduty:alert.resolved", "slack:alert.firing", "slack:alert.resolved", "webhook:alert.firing", "webhook:alert.resolved"]);
    await waitFor("deliveries sent", async () => (await db.delivery.count({ where: { id: { in: ds.map((d) => d.id) }, status: "succeeded" } })) === 6, 15_000, 50);

    // webhook: Alertmanager's shape, firing then resolved, one fingerprint
    const am = sentTo(hook, dedupKey).map((r) => JSON.parse(r.body));
    expect(am).toHaveLength(2);
    expect(am[0]).toMatchObject({
      version: "4", status: "firing", receiver: "am-hook", truncatedAlerts: 0, groupLabels: { alertname: "High error rate" },
      groupKey: expect.stringContaining("High error rate"), externalURL: expect.stringContaining(`/t/${w.slug}/endpoints/${e.name}`),
      alerts: [{ status: "firing", labels: { alertname: "High error rate", severity: "critical", endpoint: e.name, metric: "error_rate", team: w.slug }, annotations: { summary: expect.stringContaining("error_rate is 0.5"), threshold: "0.1" }, startsAt: new Date(t0 + 2 * MIN + 30_000).toISOString(), endsAt: "0001-01-01T00:00:00Z", fingerprint: dedupKey }],
    });
    expect(am[1]).toMatchObject({ version: "4", status: "resolved", alerts: [{ status: "resolved", startsAt: new Date(t0 + 2 * MIN + 30_000).toISOString(), endsAt: new Date(t0 + 4 * MIN + 30_000).toISOString(), fingerprint: dedupKey }] });
    expect(am[0].groupKey).toBe(am[1].groupKey);

    // PagerDuty: trigger then resolve with the same dedup_key
    const pd = sentTo(pager, dedupKey).map((r) => JSON.parse(r.body));
    expect(pd.map((b) => [b.event_action, b.dedup_key])).toEqual([["trigger", dedupKey], ["resolve", dedupKey]]);
    expect(pd[0].payload).toMatchObject({ severity: "critical", component: e.name, summary: expect.stringContaining("High error rate") });

    // Slack: both messages name the incident (an incoming webhook cannot reply in a thread)
    const sl = sentTo(slack, dedupKey).map((r) => JSON.parse(r.body));
    expect(sl).toHaveLength(2);
    expect(sl[0].text).toMatch(/^Alert firing on alerts-/);
    expect(sl[1].text).toMatch(/^Alert resolved on alerts-/);

    const history = await call(alertsRoute.GET, "GET", `/api/v1/alerts?endpoint=${e.name}`, { token: w.tokens.read });
    expect(history.status).toBe(200);
    expect(history.json.incidents.map((i: { id: string; state: string }) => [i.id, i.state])).toEqual([[incidentId, "resolved"]]);
    const foreign = await call(alertsRoute.GET, "GET", `/api/v1/alerts?endpoint=${e.name}`, { token: other.tokens.read });
    expect(foreign.json.incidents).toEqual([]);
  });

  it("a silenced rule records its incident and sends nothing; lifting the silence announces one still firing", async () => {
    const e = await newEndpoint();
    const created = await post(e.name, { metric: "error_rate", operator: ">=", threshold: 0.5, windowSeconds: 60, channels: [channels.webhook] });
    const ruleId: string = created.json.id;
    const t0 = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
    for (const m of [0, 1, 2]) await traffic(e, t0 + m * MIN, 10, m < 2 ? 10 : 0);
    const silence = (body: object | null) => body
      ? call(silenceRoute.POST, "POST", `/api/v1/endpoints/${e.name}/alert-rules/${ruleId}/silence`, { ...as("engineer"), body, params: { endpoint: e.name, id: ruleId } })
      : call(silenceRoute.DELETE, "DELETE", `/api/v1/endpoints/${e.name}/alert-rules/${ruleId}/silence`, { ...as("engineer"), params: { endpoint: e.name, id: ruleId } });

    const until = new Date(Date.now() + 3_600_000).toISOString();
    const s = await silence({ until, reason: "planned load test" });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    expect(s.json.silence).toMatchObject({ until, reason: "planned load test", by: expect.any(String) });

    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 30_000) });
    const inc = await db.alertIncident.findUniqueOrThrow({ where: { openFor: ruleId } });
    expect(inc).toMatchObject({ state: "firing", valueAtFire: 1, notifiedFiring: false });
    expect(await deliveriesOf(inc.id)).toHaveLength(0);

    expect((await silence(null)).json.silence).toBeNull();
    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + MIN + 30_000) });
    expect((await deliveriesOf(inc.id)).map((d) => d.eventType)).toEqual(["alert.firing"]);

    // silenced again, then it clears: the resolve still goes out, since the firing did
    await silence({ until, reason: "again" });
    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 2 * MIN + 30_000) });
    expect((await deliveriesOf(inc.id)).map((d) => d.eventType)).toEqual(["alert.firing", "alert.resolved"]);

    const audit = await db.auditEvent.findMany({ where: { resourceId: ruleId }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["alert.create", "alert.silence", "alert.unsilence", "alert.silence"]);
  });

  it("a rule under a silence that fires and clears sends nothing at all", async () => {
    const e = await newEndpoint();
    const ruleId: string = (await post(e.name, { metric: "request_rate", operator: ">", threshold: 1, windowSeconds: 60, channels: [channels.webhook] })).json.id;
    await call(silenceRoute.POST, "POST", `/api/v1/endpoints/${e.name}/alert-rules/${ruleId}/silence`, { ...as("engineer"), body: { until: new Date(Date.now() + 3_600_000).toISOString(), reason: "noisy" }, params: { endpoint: e.name, id: ruleId } });
    const t0 = Math.floor(Date.now() / MIN) * MIN - 90 * MIN;
    await traffic(e, t0, 120, 0); // 2 requests/s over the minute
    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 30_000) });
    const inc = await db.alertIncident.findUniqueOrThrow({ where: { openFor: ruleId } });
    expect(inc.valueAtFire).toBe(2);
    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 2 * MIN + 30_000) });
    expect(await db.alertIncident.findUniqueOrThrow({ where: { id: inc.id } })).toMatchObject({ state: "resolved", notifiedFiring: false, notifiedResolved: false });
    expect(await deliveriesOf(inc.id)).toHaveLength(0);
  });

  it("deleting a firing rule resolves its incident where it was announced", async () => {
    const e = await newEndpoint();
    const ruleId: string = (await post(e.name, { metric: "error_rate", operator: ">", threshold: 0, windowSeconds: 60, channels: [channels.pagerduty] })).json.id;
    const t0 = Math.floor(Date.now() / MIN) * MIN - 120 * MIN;
    await traffic(e, t0, 10, 5);
    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 30_000) });
    const inc = await db.alertIncident.findUniqueOrThrow({ where: { openFor: ruleId } });
    const del = await call(ruleRoute.DELETE, "DELETE", `/api/v1/endpoints/${e.name}/alert-rules/${ruleId}`, { ...as("engineer"), params: { endpoint: e.name, id: ruleId } });
    expect(del.status).toBe(204);
    const ds = await db.delivery.findMany({ where: { eventId: { startsWith: `alert_${inc.id}_` } } });
    expect(ds.map((d) => d.eventType).sort()).toEqual(["alert.firing", "alert.resolved"]);
    await waitFor("resolve sent", async () => sentTo(pager, inc.dedupKey).length === 2, 15_000, 50);
    expect(sentTo(pager, inc.dedupKey).map((r) => JSON.parse(r.body).event_action)).toEqual(["trigger", "resolve"]);
    expect(await db.alertRule.count({ where: { id: ruleId } })).toBe(0);
  });
});

describe("many rules at once", () => {
  it("fires and resolves 30 rules in one cycle, once each, however many cycles run at the same time", async () => {
    const e = await newEndpoint();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await post(e.name, { name: `errors above ${i}%`, metric: "error_rate", operator: ">", threshold: i / 100, windowSeconds: 60, channels: [channels.webhook] })).json.id);
    const t0 = Math.floor(Date.now() / MIN) * MIN - 150 * MIN;
    await traffic(e, t0, 100, 40);
    await Promise.all([0, 1, 2].map(() => evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 30_000) })));
    const incidents = await db.alertIncident.findMany({ where: { ruleId: { in: ids } } });
    expect(incidents).toHaveLength(30);
    expect(incidents.every((i) => i.state === "firing" && i.valueAtFire === 0.4 && i.notifiedFiring)).toBe(true);
    const firing = await db.delivery.findMany({ where: { eventId: { in: incidents.map((i) => `alert_${i.id}_firing`) } } });
    expect(firing).toHaveLength(30);
    expect(firing.every((d) => d.channelId === channels.webhook && d.eventType === "alert.firing")).toBe(true);

    // the traffic stops: every one resolves, once
    await Promise.all([0, 1, 2].map(() => evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 2 * MIN + 30_000) })));
    const after = await db.alertIncident.findMany({ where: { ruleId: { in: ids } } });
    expect(after.map((i) => i.state)).toEqual(Array(30).fill("resolved"));
    expect(await db.delivery.count({ where: { eventId: { in: incidents.map((i) => `alert_${i.id}_resolved`) } } })).toBe(30);
    await waitFor("all 60 sent", async () => (await db.delivery.count({ where: { eventId: { in: incidents.flatMap((i) => [`alert_${i.id}_firing`, `alert_${i.id}_resolved`]) }, status: "succeeded" } })) === 60, 20_000, 100);
  });
});

describe("metrics from the prediction log and from labels", () => {
  it("prediction_mean and shadow_delta read the minutes of the window, and a minute again when rows arrive in it", async () => {
    const e = await newEndpoint();
    const shadow = e.variant.replace(/-v1$/, "-v2");
    const meanRule: string = (await post(e.name, { metric: "prediction_mean", operator: ">", threshold: 0, windowSeconds: 120 })).json.id;
    const deltaRule: string = (await post(e.name, { metric: "shadow_delta", operator: ">", threshold: 0, windowSeconds: 120 })).json.id;
    const t0 = Math.floor(Date.now() / MIN) * MIN - 180 * MIN;
    const rand = seededRandom(7);
    const served: number[] = [];
    const deltas: number[] = [];
    /** `n` requests in a minute, each answered and shadowed; `count` says whether they fall in the window */
    const log = async (minute: number, n: number, count: boolean) => {
      const recs: PredictionRecord[] = [];
      for (let i = 0; i < n; i++) {
        const id = randomUUID();
        const p = Math.round(rand() * 1000) / 1000, q = Math.round(rand() * 1000) / 1000;
        recs.push({ t: minute + 1_000 + i * 10, e: e.id, v: e.variant, n: 1, id, s: 200, l: 5, sh: false, r: 1, in: null, out: { probability: [p] } });
        recs.push({ t: minute + 1_003 + i * 10, e: e.id, v: shadow, n: 2, id, s: 200, l: 5, sh: true, r: 1, in: null, out: { probability: [q] } });
        if (count) { served.push(p); deltas.push(Math.abs(q - p)); }
      }
      expect(await writePredictionBatch(pool, recs)).toBe(2 * n);
    };
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    await log(t0, 20, false); // began more than 120 s before the evaluation
    await log(t0 + MIN, 15, true);
    await log(t0 + 2 * MIN, 10, true);
    const at = t0 + 2 * MIN + 40_000;
    await evaluateAlertRules({ db, redisUrl, now: new Date(at) });
    const incident = (ruleId: string) => db.alertIncident.findUniqueOrThrow({ where: { openFor: ruleId } });
    expect((await incident(meanRule)).lastValue).toBeCloseTo(mean(served), 12);
    expect((await incident(deltaRule)).lastValue).toBeCloseTo(mean(deltas), 12);

    await log(t0 + 2 * MIN, 12, true); // late rows of the current minute
    await evaluateAlertRules({ db, redisUrl, now: new Date(at + 5_000) });
    expect((await incident(meanRule)).lastValue).toBeCloseTo(mean(served), 12);
    expect((await incident(deltaRule)).lastValue).toBeCloseTo(mean(deltas), 12);
    expect(served).toHaveLength(37);
  });

  it("accuracy, auc and log_loss rules read the labelled predictions of their window, as sklearn computes them", async () => {
    const e = await newEndpoint();
    const rule = async (metric: string) => (await post(e.name, { metric, operator: ">", threshold: -1, windowSeconds: 600 })).json.id as string;
    const ids = { accuracy: await rule("accuracy"), auc: await rule("auc"), log_loss: await rule("log_loss"), mae: await rule("mae") };
    const t0 = Math.floor(Date.now() / MIN) * MIN - 240 * MIN;
    const rand = seededRandom(3);
    const y: number[] = [], p: number[] = [];
    const recs: PredictionRecord[] = [];
    const labels: { requestId: string; label: number }[] = [];
    for (let i = 0; i < 60; i++) {
      const inWindow = i < 45; // the rest were predicted an hour earlier, all wrong
      const label = rand() < 0.4 ? 1 : 0;
      const prob = Math.round((inWindow ? Math.min(0.99, Math.max(0.01, 0.5 + (label - 0.5) * 0.4 + (rand() - 0.5) * 0.6)) : 1 - label) * 1000) / 1000;
      const id = randomUUID();
      recs.push({ t: (inWindow ? t0 : t0 - 60 * MIN) + i * 1_000, e: e.id, v: e.variant, n: 1, id, s: 200, l: 5, sh: false, r: 1, in: null, out: { probability: [prob] } });
      labels.push({ requestId: id, label });
      if (inWindow) { y.push(label); p.push(prob); }
    }
    expect(await writePredictionBatch(pool, recs)).toBe(60);
    const sent = await call(feedbackRoute.POST, "POST", `/api/v1/endpoints/${e.name}/feedback`, { ...as("engineer"), body: { records: labels }, params: { endpoint: e.name } });
    expect(sent.status, JSON.stringify(sent.json)).toBe(200);

    await evaluateAlertRules({ db, redisUrl, now: new Date(t0 + 5 * MIN) });
    const oracle = JSON.parse(execFileSync("/usr/bin/python3", ["-c", `
import json, sys
from sklearn.metrics import accuracy_score, roc_auc_score, log_loss
d = json.load(sys.stdin)
print(json.dumps({"accuracy": accuracy_score(d["y"], [1 if x >= 0.5 else 0 for x in d["p"]]), "auc": roc_auc_score(d["y"], d["p"]), "log_loss": log_loss(d["y"], d["p"])}))
`], { input: JSON.stringify({ y, p }) }).toString()) as Record<"accuracy" | "auc" | "log_loss", number>;
    for (const m of ["accuracy", "auc", "log_loss"] as const) {
      const got = (await db.alertIncident.findUniqueOrThrow({ where: { openFor: ids[m] } })).valueAtFire!;
      expect(Math.abs(got - oracle[m]), `${m}: ${got} vs sklearn ${oracle[m]}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(oracle[m])));
    }
    // mae is a regression metric: on a classifier's labels it reads no data and never fires
    expect(await db.alertIncident.count({ where: { ruleId: ids.mae } })).toBe(0);
  });
});

describe("the rules API", () => {
  it("refuses an unknown metric, a negative window, a feature the model lacks and another team's channel, naming the field", async () => {
    const e = await newEndpoint();
    const base = { metric: "error_rate", operator: ">", threshold: 0.1, windowSeconds: 300 };
    const refused = async (body: object, field: string) => {
      const r = await post(e.name, body);
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      expect(r.json.error.field).toBe(field);
      return r.json.error.message as string;
    };
    await refused({ ...base, metric: "vibes" }, "body.metric");
    await refused({ ...base, windowSeconds: -60 }, "body.windowSeconds");
    await refused({ ...base, windowSeconds: 0 }, "body.windowSeconds");
    await refused({ ...base, operator: "==" }, "body.operator");
    await refused({ ...base, severity: "apocalyptic" }, "body.severity");
    expect(await refused({ ...base, metric: "feature_psi", feature: "shoe_size" }, "body.feature")).toMatch(/age, income/);
    await refused({ ...base, metric: "feature_psi" }, "body.feature");
    await refused({ ...base, feature: "age" }, "body.feature");
    await refused({ ...base, variant: "nope-v9" }, "body.variant");
    const foreign = await createChannel({ db, teamId: other.teamId, actor: SYSTEM_ACTOR, settings, input: { name: "theirs", kind: "webhook", url: `${hook.url}/x`, events: ["deployment.failed"] } });
    await refused({ ...base, channels: [channels.webhook, foreign.id] }, "body.channels.1");
    expect(await db.alertRule.count({ where: { endpointId: e.id } })).toBe(0); // nothing half-written

    const psi = await post(e.name, { ...base, metric: "feature_psi", feature: "income", threshold: 0.2 });
    expect(psi.status).toBe(201);
    expect(psi.json).toMatchObject({ metric: "feature_psi", feature: "income", name: "feature_psi(income) > 0.2" });
  });

  it("lets viewers read, engineers and write tokens manage, and hides other teams' rules", async () => {
    const e = await newEndpoint();
    const body = { metric: "p95_latency_ms", operator: ">", threshold: 250, windowSeconds: 300 };
    expect((await post(e.name, body, "viewer")).status).toBe(403);
    const readOnly = await call(rulesRoute.POST, "POST", `/api/v1/endpoints/${e.name}/alert-rules`, { token: w.tokens.read, body, params: { endpoint: e.name } });
    expect(readOnly.status).toBe(403);
    const byToken = await call(rulesRoute.POST, "POST", `/api/v1/endpoints/${e.name}/alert-rules`, { token: w.tokens.write, body, params: { endpoint: e.name } });
    expect(byToken.status).toBe(201);
    const id: string = byToken.json.id;

    const put = await call(ruleRoute.PUT, "PUT", `/api/v1/endpoints/${e.name}/alert-rules/${id}`, { ...as("engineer"), body: { ...body, threshold: 400, forSeconds: 120, enabled: false }, params: { endpoint: e.name, id } });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    expect(put.json).toMatchObject({ threshold: 400, forSeconds: 120, enabled: false });

    // another team: its endpoint is not found, nor is this rule under its own endpoint
    const theirs = await newEndpoint(other);
    const cross = await call(ruleRoute.PUT, "PUT", `/api/v1/endpoints/${theirs.name}/alert-rules/${id}`, { token: other.tokens.all, body, params: { endpoint: theirs.name, id } });
    expect(cross.status).toBe(404);
    const peek = await call(rulesRoute.GET, "GET", `/api/v1/endpoints/${e.name}/alert-rules`, { token: other.tokens.read, params: { endpoint: e.name } });
    expect(peek.status).toBe(404);
    const audit = await db.auditEvent.findMany({ where: { resourceId: id }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["alert.create", "alert.update"]);
  });
});
