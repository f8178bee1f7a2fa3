// Notification channels end to end: the channels and deliveries API, a real BullMQ worker on the
// notifications queue (in this process, on the private Redis), real Postgres, and receivers that are
// local HTTP servers standing in for webhook receivers, Slack and PagerDuty.
import { INLINE_MAX_MODEL_MB_DEFAULT } from "@/lib/serving/shared/inline-placement";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as channels from "@/app/api/v1/channels/route";
import * as channel from "@/app/api/v1/channels/[id]/route";
import * as channelTest from "@/app/api/v1/channels/[id]/test/route";
import * as deliveries from "@/app/api/v1/deliveries/route";
import * as redeliver from "@/app/api/v1/deliveries/[id]/redeliver/route";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import { startJobWorkers, type JobWorkers } from "@/lib/jobs/job-workers";
import { sendNotificationJob } from "@/lib/jobs/definitions/send-notification";
import { bullConnection } from "@/lib/jobs/queues";
import { createLogger } from "@/lib/log";
import { createRedis } from "@/lib/redis";
import { LocalArtifactStore } from "@/lib/storage/artifact-store";
import { emitEvent } from "@/lib/notifications/emit-event";
import { closeNotificationsQueues, queueDeliveries } from "@/lib/notifications/queue-deliveries";
import { reconcileDeliveries } from "@/lib/notifications/reconcile-deliveries";
import { createChannel } from "@/lib/notifications/create-channel";
import { verifySignature } from "@/lib/notifications/verify-signature";
import { systemLookup, type Lookup } from "@/lib/notifications/outbound-url";
import type { NotifySettings } from "@/lib/notifications/notify-settings";
import type { EventType } from "@/lib/notifications/event-types";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { failDeployment } from "@/lib/serving/control/deployments/run-deployment";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { waitFor } from "./helpers/processes";
import { startReceiver, type Answer, type Received, type Receiver } from "./helpers/receiver";
import { otherSignatureModel } from "./helpers/models";

const db = getDb();
const redisUrl = process.env.REDIS_URL!;
const BACKOFF_BASE_MS = 20;

// The job worker's resolver: `rebind.test` has turned into the metadata address since the channel
// was created (DNS rebinding); `hooks.test` is a receiver on this machine.
const workerLookup: Lookup = async (host) =>
  host === "rebind.test" ? [{ address: "169.254.169.254", family: 4 }] : host === "hooks.test" ? [{ address: "127.0.0.1", family: 4 }] : systemLookup(host);
const settings: NotifySettings = { secretKey: process.env.NEXTAUTH_SECRET!, allowPrivateNetworks: true, backoffBaseMs: BACKOFF_BASE_MS, appUrl: "https://switchyard.example.com", lookup: workerLookup };

let w: World;
let workers: JobWorkers;
let pool: pg.Pool;
const redis = createRedis(redisUrl);
const receivers: Receiver[] = [];

const receiver = async (answer?: (req: Received, n: number) => Answer) => {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
};
const admin = () => ({ cookie: w.people.admin.cookie, headers: { "x-switchyard-team": w.slug } });
const newChannel = (body: object) => call(channels.POST, "POST", "/api/v1/channels", { ...admin(), body });

/** What product code does: emit inside the transaction, queue after the commit. */
async function emit(type: EventType, data: Record<string, string | number>) {
  const ids = await db.$transaction((tx) => emitEvent(tx, { teamId: w.teamId, type, data }));
  expect(await queueDeliveries({ redisUrl, ids })).toBe(true);
  return ids;
}

const finished = (id: string, timeoutMs = 15_000) =>
  waitFor(`delivery ${id} finished`, async () => {
    const d = await db.delivery.findUnique({ where: { id } });
    return d && (d.status === "succeeded" || d.status === "failed") ? d : null;
  }, timeoutMs, 20);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  w = await makeWorld("ntf");
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  workers = startJobWorkers({
    jobs: [{ job: sendNotificationJob, concurrency: 8 }],
    connection: bullConnection(redisUrl),
    lockMs: 30_000,
    stalledMs: 30_000,
    log: createLogger("notifications-test", "silent"),
    ctx: {
      db, redis, pool, redisUrl, log: () => {},
      settings: { ingestLagMs: 0, predictionLogRetentionDays: 30, clusterSecret: "unused-here", inlineMaxModelMb: INLINE_MAX_MODEL_MB_DEFAULT },
      artifacts: { store: new LocalArtifactStore(process.env.ARTIFACT_DIR!), graceMs: 0 },
      notify: settings,
    },
  });
});

// every channel of the team gets every event it subscribes to: each test starts with none
afterEach(async () => { await db.channel.deleteMany({ where: { teamId: w.teamId } }); });

afterAll(async () => {
  await workers?.close();
  await closeNotificationsQueues();
  await Promise.all(receivers.map((r) => r.close()));
  redis.disconnect();
  await pool?.end();
});

describe("signed webhooks", () => {
  it("a receiver that fails twice with 500 then accepts gets exactly one accepted delivery whose signature verifies", async () => {
    const rx = await receiver((_r, n) => (n < 2 ? { status: 500, body: "boom" } : { status: 200, body: "thanks" }));
    const created = await newChannel({ name: "hook", kind: "webhook", url: `${rx.url}/hook`, events: ["deployment.succeeded"] });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const secret: string = created.json.signingSecret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect(created.json.secret).toBe(`whsec_****${secret.slice(-4)}`);

    const [id] = await emit("deployment.succeeded", { deploymentId: "dep1", endpoint: "credit-prod", model: "credit", version: 3, status: "succeeded" });
    const d = await finished(id);
    expect(d).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200, lastResponse: "thanks", lastError: null });
    expect(d.deliveredAt).not.toBeNull();
    await sleep(200);
    expect(rx.requests).toHaveLength(3);
    expect(rx.requests.map((r) => r.answered)).toEqual([500, 500, 200]); // exactly one accepted

    const accepted = rx.requests[2];
    expect(verifySignature({ rawBody: accepted.body, header: accepted.headers["switchyard-signature"] as string, secret })).toMatchObject({ ok: true });
    expect(verifySignature({ rawBody: accepted.body, header: accepted.headers["switchyard-signature"] as string, secret: "whsec_wrong" }).ok).toBe(false);
    expect(accepted.headers).toMatchObject({ "switchyard-event": "deployment.succeeded", "switchyard-delivery": id, "content-type": "application/json" });
    expect(accepted.headers["user-agent"]).toMatch(/^Switchyard/);
    const body = JSON.parse(accepted.body);
    expect(body).toEqual({ id: expect.stringMatching(/^evt_/), type: "deployment.succeeded", createdAt: expect.any(String), team: w.slug, data: { deploymentId: "dep1", endpoint: "credit-prod", model: "credit", version: 3, status: "succeeded" } });
    expect(new Set(rx.requests.map((r) => JSON.parse(r.body).id)).size).toBe(1); // the same event each time

    // a job that runs again for a finished delivery sends nothing
    await workers.queue(sendNotificationJob.queue).add(sendNotificationJob.name, { v: 1, deliveryId: id }, { jobId: id });
    await sleep(300);
    expect(rx.requests).toHaveLength(3);
  });

  it("one that always fails is dead-lettered after 8 attempts, on the backoff schedule, and redelivers on request", async () => {
    let accept = false;
    const rx = await receiver(() => (accept ? { status: 204 } : { status: 503, body: "x".repeat(2000) }));
    const ch = await newChannel({ name: "down", kind: "webhook", url: rx.url, events: ["deployment.failed"] });
    const [id] = await emit("deployment.failed", { deploymentId: "dep2", endpoint: "credit-prod", error: "worker out of memory" });
    const d = await finished(id, 30_000);
    expect(d).toMatchObject({ status: "failed", attempts: 8, lastStatusCode: 503 });
    expect(d.lastResponse).toHaveLength(500);
    expect(d.lastError).toMatch(/gave up after 8 attempts \(dead-lettered\): HTTP 503/);
    expect(rx.requests).toHaveLength(8);
    // the waits are the schedule's, base 20 ms here: 20, 40, 80 … ms (1 s, 2 s, 4 s … with the default base)
    const gaps = rx.requests.slice(1).map((r, i) => r.at - rx.requests[i].at);
    gaps.forEach((g, i) => expect(g, `gap ${i + 1}: ${gaps.join(", ")}`).toBeGreaterThanOrEqual(BACKOFF_BASE_MS * 2 ** i - 2));

    const failed = await call(deliveries.GET, "GET", "/api/v1/deliveries?status=failed", admin());
    expect(failed.status).toBe(200);
    expect(failed.json.deliveries.find((x: { id: string }) => x.id === id)).toMatchObject({
      eventType: "deployment.failed", status: "failed", attempts: 8, lastStatusCode: 503, channel: { id: ch.json.id, name: "down", kind: "webhook" },
    });
    expect((await call(deliveries.GET, "GET", "/api/v1/deliveries?status=succeeded", admin())).json.deliveries.some((x: { id: string }) => x.id === id)).toBe(false);

    accept = true;
    const r = await call(redeliver.POST, "POST", `/api/v1/deliveries/${id}/redeliver`, { ...admin(), params: { id } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    expect(r.json).toMatchObject({ status: "pending", attempts: 0 });
    expect(await finished(id)).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 204 });
    expect(rx.requests).toHaveLength(9);
    expect(JSON.parse(rx.requests[8].body).id).toBe(JSON.parse(rx.requests[0].body).id); // same event: receivers can deduplicate
    expect(await db.auditEvent.count({ where: { teamId: w.teamId, action: "delivery.redeliver", resourceId: id } })).toBe(1);

    // a delivery still on its way cannot be redelivered; an unknown one is 404
    const [busy] = await db.$transaction((tx) => emitEvent(tx, { teamId: w.teamId, type: "deployment.failed", data: {} }));
    expect((await call(redeliver.POST, "POST", `/api/v1/deliveries/${busy}/redeliver`, { ...admin(), params: { id: busy } })).status).toBe(409);
    expect((await call(redeliver.POST, "POST", "/api/v1/deliveries/nope/redeliver", { ...admin(), params: { id: "nope" } })).status).toBe(404);
    await db.delivery.delete({ where: { id: busy } });
  }, 45_000);

  it("honours Retry-After on a 429", async () => {
    const rx = await receiver((_r, n) => (n === 0 ? { status: 429, headers: { "retry-after": "2" }, body: "slow down" } : { status: 200 }));
    await newChannel({ name: "busy", kind: "webhook", url: rx.url, events: ["version.created"] });
    const [id] = await emit("version.created", { model: "credit", version: 7 });
    const waiting = await waitFor("the 429 recorded", async () => {
      const d = await db.delivery.findUnique({ where: { id } });
      return d?.attempts === 1 && d.status === "pending" ? d : null;
    }, 10_000, 20);
    expect(waiting).toMatchObject({ lastStatusCode: 429, lastResponse: "slow down", lastError: "HTTP 429" });
    expect(waiting.nextAttemptAt!.getTime() - rx.requests[0].at).toBeGreaterThanOrEqual(2000);
    expect(await finished(id)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(rx.requests[1].at - rx.requests[0].at).toBeGreaterThanOrEqual(2000);
  });

  it("sends a test event now and answers with its delivery", async () => {
    const rx = await receiver();
    const ch = await newChannel({ name: "tested", kind: "webhook", url: rx.url, secret: "a-secret-of-my-own-choosing", events: ["version.created"] });
    const r = await call(channelTest.POST, "POST", `/api/v1/channels/${ch.json.id}/test`, { ...admin(), params: { id: ch.json.id } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ eventType: "channel.test", status: "succeeded", attempts: 1, lastStatusCode: 200, channel: { name: "tested" } });
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].headers["switchyard-event"]).toBe("channel.test");
    expect(verifySignature({ rawBody: rx.requests[0].body, header: rx.requests[0].headers["switchyard-signature"] as string, secret: "a-secret-of-my-own-choosing" }).ok).toBe(true);
    expect((await call(channelTest.POST, "POST", "/api/v1/channels/nope/test", { ...admin(), params: { id: "nope" } })).status).toBe(404);
  });
});

describe("outbound URL safety", () => {
  it("refuses metadata and link-local addresses when a channel is created, saying why", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/"]) {
      const r = await newChannel({ name: "meta", kind: "webhook", url, events: ["version.created"] });
      expect(r.status, url).toBe(422);
      expect(r.json.error).toMatchObject({ code: "unprocessable", field: "body.url" });
      expect(r.json.error.message, url).toMatch(/link-local, cloud-metadata/);
    }
    const pd = await newChannel({ name: "meta", kind: "pagerduty", routingKey: "k", eventsUrl: "http://169.254.169.254/v2/enqueue", events: ["version.created"] });
    expect(pd.status).toBe(422);
    expect(pd.json.error.field).toBe("body.eventsUrl");
    expect(await db.channel.count({ where: { teamId: w.teamId } })).toBe(0);
  });

  it("checks again on the resolved address at send time, and fails the delivery for good with the reason", async () => {
    const rx = await receiver();
    // created while rebind.test resolved to this machine; it resolves to the metadata address now
    const create = (host: string) => createChannel({ db, teamId: w.teamId, actor: SYSTEM_ACTOR, settings: { ...settings, lookup: async () => [{ address: "127.0.0.1", family: 4 }] }, input: { name: host, kind: "webhook", url: `http://${host}:${rx.port}/in`, events: ["promotion.requested"] } });
    await create("rebind.test");
    await create("hooks.test");
    const ids = await emit("promotion.requested", { model: "credit", version: 2 });
    const rows = await Promise.all(ids.map((id) => finished(id)));
    const refused = rows.find((d) => d.status === "failed")!;
    expect(refused).toMatchObject({ attempts: 1, lastStatusCode: null });
    expect(refused.lastError).toMatch(/^not sent: rebind\.test resolves to 169\.254\.169\.254 is a link-local, cloud-metadata/);
    // the other went to the address its check gave, with its own host name
    expect(rows.filter((d) => d.status === "succeeded")).toHaveLength(1);
    expect(rx.requests).toHaveLength(1);
    expect(rx.requests[0].headers.host).toBe(`hooks.test:${rx.port}`);
  });

  it("refuses non-http schemes, credentials in URLs, and private addresses unless allowed", async () => {
    const bad = async (body: object, field: string, message: RegExp) => {
      const r = await newChannel({ name: "bad", events: ["version.created"], ...body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.field).toBe(field);
      expect(r.json.error.message).toMatch(message);
    };
    await bad({ kind: "webhook", url: "ftp://example.com/in" }, "body.url", /http:\/\/ or https:\/\//);
    await bad({ kind: "webhook", url: "javascript:alert(1)" }, "body.url", /http:\/\/ or https:\/\//);
    await bad({ kind: "webhook", url: "https://user:pass@example.com/in" }, "body.url", /credentials/);
    await bad({ kind: "webhook", url: "not a url" }, "body.url", /absolute/);
    await bad({ kind: "slack" }, "body.url", /required for slack/);
    await bad({ kind: "slack", url: "http://127.0.0.1/x", secret: "0123456789abcdef" }, "body.secret", /not used by slack/);
    await bad({ kind: "pagerduty" }, "body.routingKey", /required/);
    await bad({ kind: "webhook", url: "http://127.0.0.1/x", events: ["model.deleted"] }, "body.events.0", /./);

    const strict = { ...settings, allowPrivateNetworks: false };
    const err = await createChannel({ db, teamId: w.teamId, actor: SYSTEM_ACTOR, settings: strict, input: { name: "lan", kind: "webhook", url: "http://192.168.1.10/in", events: ["version.created"] } }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "unprocessable", field: "url" });
    expect(err.message).toMatch(/private or loopback address; notifications reach those only when NOTIFY_ALLOW_PRIVATE_NETWORKS=1/);
    const local = await createChannel({ db, teamId: w.teamId, actor: SYSTEM_ACTOR, settings: strict, input: { name: "lo", kind: "webhook", url: "http://localhost:9/in", events: ["version.created"] } }).catch((e) => e);
    expect(local.code).toBe("unprocessable");
  });
});

describe("who may, and secrets", () => {
  it("admins only: other members and tokens get 403", async () => {
    const body = { name: "x", kind: "webhook", url: "http://127.0.0.1:9/", events: ["version.created"] };
    for (const who of [{ cookie: w.people.engineer.cookie }, { cookie: w.people.viewer.cookie }, { token: w.tokens.all }]) {
      expect((await call(channels.POST, "POST", "/api/v1/channels", { ...who, body })).status).toBe(403);
      expect((await call(channels.GET, "GET", "/api/v1/channels", who)).status).toBe(403);
      expect((await call(deliveries.GET, "GET", "/api/v1/deliveries", who)).status).toBe(403);
      expect((await call(redeliver.POST, "POST", "/api/v1/deliveries/x/redeliver", { ...who, params: { id: "x" } })).status).toBe(403);
      expect((await call(channel.DELETE, "DELETE", "/api/v1/channels/x", { ...who, params: { id: "x" } })).status).toBe(403);
    }
  });

  it("never shows a secret in answers or the audit, nor stores it in clear", async () => {
    const secrets = { webhook: "my-signing-secret-0123456789", slackToken: "SLACKTOKENxyzW9Kq", routingKey: "PDROUTINGKEY0123456789" };
    const hook = await newChannel({ name: "w", kind: "webhook", url: "http://127.0.0.1:9/in", secret: secrets.webhook, events: ["version.created"] });
    const slack = await newChannel({ name: "s", kind: "slack", url: `http://127.0.0.1:9/services/T000/B000/${secrets.slackToken}`, events: ["version.created"] });
    const pd = await newChannel({ name: "p", kind: "pagerduty", routingKey: secrets.routingKey, eventsUrl: "http://127.0.0.1:9/v2/enqueue", events: ["deployment.failed"] });
    expect([hook.status, slack.status, pd.status]).toEqual([201, 201, 201]);
    expect(hook.json.signingSecret).toBe(secrets.webhook); // the webhook's, once, to its creator
    expect(slack.json).toMatchObject({ target: "http://127.0.0.1:9/…/****W9Kq", secret: null });
    expect(pd.json).toMatchObject({ target: "http://127.0.0.1:9/v2/enqueue", secret: "****6789" });
    expect(JSON.stringify([slack.json, pd.json])).not.toMatch(/SLACKTOKEN|PDROUTINGKEY/);

    const list = await call(channels.GET, "GET", "/api/v1/channels", admin());
    expect(list.status).toBe(200);
    expect(list.json.channels.map((c: { name: string }) => c.name)).toEqual(["w", "s", "p"]);
    const ids = [hook.json.id, slack.json.id, pd.json.id];
    const del = await call(channel.DELETE, "DELETE", `/api/v1/channels/${pd.json.id}`, { ...admin(), params: { id: pd.json.id } });
    expect(del.status).toBe(200);
    const audit = await db.auditEvent.findMany({ where: { teamId: w.teamId, resourceId: { in: ids } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["channel.create", "channel.create", "channel.create", "channel.delete"]);
    const stored = JSON.stringify(await db.channel.findMany({ where: { teamId: w.teamId } }));
    for (const s of Object.values(secrets)) {
      expect(JSON.stringify(list.json)).not.toContain(s);
      expect(JSON.stringify(audit)).not.toContain(s);
      expect(stored).not.toContain(s);
    }
    expect((await newChannel({ name: "w", kind: "webhook", url: "http://127.0.0.1:9/", events: ["version.created"] })).status).toBe(409);
  });
});

describe("Slack and PagerDuty", () => {
  it("sends at most one message per second to a Slack channel, as Block Kit", async () => {
    const rx = await receiver();
    await newChannel({ name: "slack", kind: "slack", url: `${rx.url}/services/T000/B000/XXXX`, events: ["version.created"] });
    const a = await emit("version.created", { model: "credit", version: 8, createdBy: "ana@example.test" });
    const b = await emit("version.created", { model: "credit", version: 9, createdBy: "ana@example.test" });
    const rows = await Promise.all([...a, ...b].map((id) => finished(id)));
    expect(rows.map((d) => [d.status, d.attempts])).toEqual([["succeeded", 1], ["succeeded", 1]]); // waiting its turn is not an attempt
    expect(rx.requests).toHaveLength(2);
    expect(rx.requests[0].path).toBe("/services/T000/B000/XXXX");
    expect(rx.requests[1].at - rx.requests[0].at).toBeGreaterThanOrEqual(1000);
    const msgs = rx.requests.map((r) => JSON.parse(r.body));
    expect(msgs.map((m) => m.text).sort()).toEqual(["New version credit v8 pushed by ana@example.test", "New version credit v9 pushed by ana@example.test"]);
    expect(JSON.stringify(msgs[0].blocks)).toContain(`https://switchyard.example.com/t/${w.slug}/models/credit/versions/`);
    expect(msgs[0].blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
  });

  it("sends PagerDuty an Events API v2 trigger", async () => {
    const rx = await receiver(() => ({ status: 202, body: '{"status":"success"}' }));
    await newChannel({ name: "pd", kind: "pagerduty", routingKey: "R0UTINGKEY", eventsUrl: `${rx.url}/v2/enqueue`, events: ["deployment.rolled_back"] });
    const [id] = await emit("deployment.rolled_back", { deploymentId: "dep9", endpoint: "credit-prod", model: "credit", version: 4, reason: "p95 latency 900 ms > 300 ms" });
    expect(await finished(id)).toMatchObject({ status: "succeeded", lastStatusCode: 202 });
    const envelope = (await db.delivery.findUniqueOrThrow({ where: { id } })).payload as { id: string };
    expect(rx.requests[0].path).toBe("/v2/enqueue");
    expect(JSON.parse(rx.requests[0].body)).toMatchObject({
      routing_key: "R0UTINGKEY",
      event_action: "trigger",
      dedup_key: envelope.id,
      payload: {
        summary: "Deployment on credit-prod rolled back: p95 latency 900 ms > 300 ms",
        source: "switchyard",
        severity: "error",
        custom_details: { event: "deployment.rolled_back", endpoint: "credit-prod", model: "credit", version: 4, deploymentId: "dep9" },
      },
    });
  });
});

describe("events from the product", () => {
  it("a pushed version notifies its subscribers, and pages of deliveries follow each other", async () => {
    const rx = await receiver();
    await newChannel({ name: "versions", kind: "webhook", url: rx.url, events: ["version.created"] });
    const name = `ntf-${Date.now()}`;
    expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name } })).status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const pushed = await call(versions.POST, "POST", `/api/v1/models/${name}/versions`, { token: w.tokens.write, rawBody: multipart(otherSignatureModel(), { metrics: { auc: 0.8 } }), params: { model: name } });
      expect(pushed.status, JSON.stringify(pushed.json)).toBe(201);
    }
    await waitFor("both versions notified", async () => rx.requests.length === 2, 15_000, 20);
    const events = rx.requests.map((r) => JSON.parse(r.body)).sort((a, b) => a.data.version - b.data.version);
    expect(events[0]).toMatchObject({ type: "version.created", team: w.slug, data: { model: name, version: 1, metrics: { auc: 0.8 }, createdBy: "token:read+write", source: "upload" } });

    // the receiver has both; the job workers record each as succeeded once its answer is in
    await waitFor("both deliveries recorded", async () => (await db.delivery.count({ where: { teamId: w.teamId, eventType: "version.created", status: "succeeded", payload: { path: ["data", "model"], equals: name } } })) === 2, 15_000, 20);
    const first = await call(deliveries.GET, "GET", `/api/v1/deliveries?limit=1&status=succeeded`, admin());
    expect(first.json.deliveries).toHaveLength(1);
    expect(first.json.nextCursor).toBe(first.json.deliveries[0].id);
    const second = await call(deliveries.GET, "GET", `/api/v1/deliveries?limit=1&status=succeeded&cursor=${first.json.nextCursor}`, admin());
    expect(second.json.deliveries).toHaveLength(1);
    expect(second.json.deliveries[0].id).not.toBe(first.json.deliveries[0].id);
  });

  it("a deployment that fails notifies with the endpoint, the versions and the reason", async () => {
    const rx = await receiver();
    await newChannel({ name: "deploys", kind: "webhook", url: rx.url, events: ["deployment.failed"] });
    const variant = { name: "credit-v3", model: "credit", version: 3, versionId: "v3id", sha256: "0".repeat(64), weight: 100, role: "primary", device: "cpu", replicas: 1 };
    const endpoint = await db.endpoint.create({ data: { teamId: w.teamId, name: `ntf-ep-${Date.now()}`, environment: "production", routing: { variants: [], sticky: null }, createdBy: "ana@example.test" } });
    const dep = await db.deployment.create({ data: { endpointId: endpoint.id, strategy: "canary", status: "running", plan: {}, fromRouting: { variants: [], sticky: null }, toRouting: { variants: [variant], sticky: null }, reason: "weekly retrain", createdBy: "ana@example.test" } });
    // the queue gave up on the job: the runner restores the routing and finishes the deployment as failed
    await failDeployment({ db, redis, clusterSecret: "unused-here", redisUrl }, dep.id, "no ready replica of credit-v3");
    await waitFor("the failure notified", async () => rx.requests.length === 1, 15_000, 20);
    expect(JSON.parse(rx.requests[0].body)).toMatchObject({
      type: "deployment.failed",
      data: { deploymentId: dep.id, endpoint: endpoint.name, environment: "production", status: "failed", strategy: "canary", model: "credit", version: 3, reason: "no ready replica of credit-v3", createdBy: "ana@example.test", routing: "credit v3 primary 100%" },
    });
  });

  it("the reconciler queues deliveries that were written but never queued", async () => {
    const rx = await receiver();
    await newChannel({ name: "late", kind: "webhook", url: rx.url, events: ["promotion.approved"] });
    // the emitting process died (or Redis was away) between its commit and the enqueue
    const [id] = await db.$transaction((tx) => emitEvent(tx, { teamId: w.teamId, type: "promotion.approved", data: { model: "credit" } }));
    await reconcileDeliveries({ db, redisUrl }); // too fresh: left to its writer for a few seconds
    await sleep(150);
    expect(rx.requests).toHaveLength(0);
    expect(await db.delivery.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "pending", attempts: 0 });
    expect(await reconcileDeliveries({ db, redisUrl, now: new Date(Date.now() + 10_000) })).toBeGreaterThanOrEqual(1);
    expect(await finished(id)).toMatchObject({ status: "succeeded", attempts: 1 });
  });
});
