// Approve / Reject from Slack: clicks signed like Slack signs them reach the interactions route in
// process, against the real database and Redis; Slack's response_url is a local HTTP server. The
// web's config is read at its first use, so the fake Slack's origin is set before any route runs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { getServices } from "@/lib/services";
import * as interactions from "@/app/api/v1/integrations/slack/interactions/route";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as traffic from "@/app/api/v1/endpoints/[endpoint]/traffic/route";
import * as promotion from "@/app/api/v1/promotions/[id]/route";
import * as policies from "@/app/api/v1/policies/[environment]/route";
import * as members from "@/app/api/v1/members/route";
import * as member from "@/app/api/v1/members/[email]/route";
import { planTraffic } from "@/lib/serving/control/endpoints/plan-traffic";
import { trafficRequestSchema } from "@/lib/serving/control/endpoints/traffic-request";
import { writeRouting } from "@/lib/serving/control/deployments/switch-routing";
import { handleSlackInteraction } from "@/lib/integrations/slack/handle-interaction";
import { SLACK_ACTIONS } from "@/lib/integrations/slack/promotion-message";
import type { Role } from "@/lib/auth/roles";
import { call, multipart } from "./helpers/call";
import { makeWorld, type Person, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { waitFor } from "./helpers/processes";
import { click, fakeSlack, slackForm, slackHeaders, type FakeSlack } from "./helpers/slack";

const db = getDb();
const MODEL = "credit";
const URL_PATH = "/api/v1/integrations/slack/interactions";
let w: World;
let slack: FakeSlack;
let v1: number, good: number;

const SLACK_ID: Record<Role, string> = { viewer: "UVIEWER01", engineer: "UENGINEER01", approver: "UAPPROVER01", admin: "UADMIN01" };

/** Posts a form body to the route, signed unless told otherwise. */
function post(rawBody: string, headers: Record<string, string> = slackHeaders(rawBody)) {
  return call(interactions.POST, "POST", URL_PATH, { rawBody, headers });
}

/** A signed click by this Slack user on this promotion's button. */
function clickAs(slackUserId: string, actionId: string, promotionId: string, responseUrl = slack.responseUrl()) {
  return post(slackForm(click({ slackUserId, actionId, value: promotionId, responseUrl })));
}

const linkSlack = (p: Person, slackUserId: string | null) =>
  call(member.PUT, "PUT", `/api/v1/members/${p.email}`, { cookie: w.people.admin.cookie, body: { slackUserId }, params: { email: p.email } });

async function push(metrics: Record<string, number>): Promise<number> {
  const r = await call(versions.POST, "POST", `/api/v1/models/${MODEL}/versions`, { token: w.tokens.write, rawBody: multipart(trained().onnx, { metrics }), params: { model: MODEL } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number;
}

/** A production endpoint of the test's own serving v1, and a promotion to `good` waiting for approval. */
async function pendingPromotion(requester: Person = w.people.engineer): Promise<{ id: string; endpoint: string }> {
  const endpoint = `prod-${randomUUID().slice(0, 8)}`;
  expect((await call(endpoints.POST, "POST", "/api/v1/endpoints", { cookie: w.people.admin.cookie, body: { name: endpoint, environment: "production" } })).status).toBe(201);
  await serve(endpoint, v1);
  const r = await call(traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, {
    cookie: requester.cookie, params: { endpoint },
    body: { model: MODEL, strategy: "canary", variants: [{ version: good, weight: 100 }], canary: { steps: [50], bakeSeconds: 1, minRequests: 0 }, reason: "better AUC" },
  });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  expect(r.json.promotion.status).toBe("pending_approval");
  return { id: r.json.promotion.id, endpoint };
}

async function serve(endpoint: string, version: number) {
  const e = await db.endpoint.findUniqueOrThrow({ where: { name: endpoint } });
  const plan = await planTraffic({ db, teamId: w.teamId, endpoint: e, request: trafficRequestSchema.parse({ model: MODEL, variants: [{ version, weight: 100 }] }) });
  await db.$transaction((tx) => writeRouting(tx, e.id, plan.to));
}

const getPromotion = async (id: string) => (await call(promotion.GET, "GET", `/api/v1/promotions/${id}`, { cookie: w.people.viewer.cookie, params: { id } })).json;

/** What a refused click must leave: the promotion waiting, no decision, no audit event about it beyond its request. */
async function unchanged(id: string) {
  const p = await getPromotion(id);
  expect(p.status).toBe("pending_approval");
  expect(p.approvals).toEqual([]);
  expect(p.timeline.map((t: { action: string }) => t.action)).toEqual(["promotion.pending_approval"]);
}

beforeAll(async () => {
  slack = await fakeSlack();
  process.env.SLACK_RESPONSE_URL_ORIGIN = slack.origin;
  // the web reads its config once; nothing may have read it before this file set the origin
  expect(getServices().config.slack.responseUrlOrigin).toBe(slack.origin);
  w = await makeWorld("slack");
  expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: MODEL } })).status).toBe(201);
  v1 = await push({ auc: 0.78 });
  good = await push({ auc: 0.8 });
  const policy = await call(policies.PUT, "PUT", "/api/v1/policies/production", { cookie: w.people.admin.cookie, body: { requiredApprovals: 1 }, params: { environment: "production" } });
  expect(policy.status).toBe(200);
  for (const role of ["viewer", "engineer", "approver", "admin"] as const) expect((await linkSlack(w.people[role], SLACK_ID[role])).status).toBe(200);
});

afterAll(async () => {
  await slack?.close();
});

describe("an Approve click in Slack", () => {
  it("approves as the linked approver, answers within 3 s even when Slack is slow, and replaces the message", async () => {
    const { id } = await pendingPromotion();
    const before = slack.received.length;
    slack.delayMs = 3500; // Slack taking its time to accept the update must not hold the answer
    try {
      const started = performance.now();
      const r = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, id, slack.responseUrl("approve"));
      const answeredMs = performance.now() - started;
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(answeredMs).toBeLessThan(3000);
      expect(r.json.replace_original).toBe(true);
      const [update] = (await slack.waitForMessages(before + 1)).slice(before);
      expect(update.path).toBe("/actions/T0SLACK/approve/secret-part");
      expect(update.body).toMatchObject({ replace_original: true });
      expect(JSON.stringify(update.body.blocks)).toContain(`Approved by ${w.people.approver.email} — deploying`);
      // the buttons are gone, the link stays
      const buttons = update.body.blocks.find((b: { type: string }) => b.type === "actions").elements.map((e: { action_id: string }) => e.action_id);
      expect(buttons).toEqual([SLACK_ACTIONS.open]);
    } finally {
      slack.delayMs = 0;
    }
    const p = await getPromotion(id);
    expect(p.status).toBe("deploying");
    expect(p.approvals).toEqual([expect.objectContaining({ by: w.people.approver.email, decision: "approve", via: "slack", comment: "via Slack", voided: false })]);
    expect(p.deployment).toMatchObject({ strategy: "canary", status: "pending" });
  });

  it("changes nothing when clicked twice: the second answer says it is already decided", async () => {
    const { id } = await pendingPromotion();
    const base = slack.received.length;
    expect((await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, id)).status).toBe(200);
    const after = await getPromotion(id);
    const audit = await db.auditEvent.count({ where: { teamId: w.teamId, resourceId: id } });
    const again = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, id);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(again.json.text).toContain(`Already approved by ${w.people.approver.email} — deploying. Nothing changed.`);
    // someone else clicking late changes nothing either
    const late = await clickAs(SLACK_ID.admin, SLACK_ACTIONS.reject, id);
    expect(late.json.text).toMatch(/^✅ Already approved/);
    const now = await getPromotion(id);
    expect(now.status).toBe("deploying");
    expect(now.approvals).toEqual(after.approvals);
    expect(await db.auditEvent.count({ where: { teamId: w.teamId, resourceId: id } })).toBe(audit);
    // the decision replaced the message; each late click: a note to the clicker, and the message brought up to date
    const updates = (await slack.waitForMessages(base + 5)).slice(base);
    expect(updates.filter((u) => u.body.response_type === "ephemeral")).toHaveLength(2);
    expect(updates.filter((u) => JSON.stringify(u.body.blocks ?? []).includes("Already approved by"))).toHaveLength(2);
  });
});

describe("a Reject click in Slack", () => {
  it("rejects as the linked approver and says so in the message", async () => {
    const { id } = await pendingPromotion();
    const before = slack.received.length;
    const r = await clickAs(SLACK_ID.admin, SLACK_ACTIONS.reject, id);
    expect(r.status).toBe(200);
    const p = await getPromotion(id);
    expect(p.status).toBe("rejected");
    expect(p.approvals).toEqual([expect.objectContaining({ by: w.people.admin.email, decision: "reject", via: "slack" })]);
    const [update] = (await slack.waitForMessages(before + 1)).slice(before);
    expect(update.body.replace_original).toBe(true);
    expect(JSON.stringify(update.body.blocks)).toContain(`Rejected by ${w.people.admin.email}`);
  });
});

describe("clicks that are refused change nothing and say why, to the clicker alone", () => {
  it("refuses a Slack user linked to nobody in the promotion's team", async () => {
    const { id } = await pendingPromotion();
    const r = await clickAs("UNOBODY42", SLACK_ACTIONS.approve, id);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(r.json.text).toBe(`Your Slack account is not linked to a Switchyard member of team ${w.slug}; ask an admin to set your Slack user id (UNOBODY42) on the Members page. Nothing changed.`);
    await unchanged(id);
  });

  it("refuses a viewer's and an engineer's linked Slack ids: approving needs the approver role", async () => {
    const { id } = await pendingPromotion();
    const before = slack.received.length;
    for (const role of ["viewer", "engineer"] as const) {
      const r = await clickAs(SLACK_ID[role], SLACK_ACTIONS.approve, id);
      expect(r.json.response_type).toBe("ephemeral");
      expect(r.json.text).toMatch(new RegExp(`^Not done: this needs the approver role; you are ${role} in team`));
    }
    await unchanged(id);
    const notes = (await slack.waitForMessages(before + 2)).slice(before);
    expect(notes.map((n) => n.body.response_type)).toEqual(["ephemeral", "ephemeral"]);
  });

  it("refuses the requester under four-eyes", async () => {
    const { id } = await pendingPromotion(w.people.approver);
    const r = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, id);
    expect(r.json.text).toMatch(/^Not done: four-eyes: you requested this promotion, so someone else must approve it/);
    await unchanged(id);
  });

  it("refuses a click through a link that the requester set, or that changed after the request: no deciding as someone else", async () => {
    // the admin (who linked everyone) asks; the approver's Slack link came from the admin
    const mine = await pendingPromotion(w.people.admin);
    const r = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, mine.id);
    expect(r.json.text).toBe(`Your Slack link was set by ${w.people.admin.email}, who requested this promotion: decide it in Switchyard instead. Nothing changed.`);
    await unchanged(mine.id);
    // an engineer asks; then the approver's link is pointed elsewhere and back
    const theirs = await pendingPromotion();
    expect((await linkSlack(w.people.approver, null)).status).toBe(200);
    expect((await linkSlack(w.people.approver, SLACK_ID.approver)).status).toBe(200);
    const late = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, theirs.id);
    expect(late.json.text).toBe("Your Slack link changed after this promotion was requested: decide it in Switchyard instead. Nothing changed.");
    await unchanged(theirs.id);
  });

  it("refuses a promotion gone stale, and replaces the message with why", async () => {
    const { id, endpoint } = await pendingPromotion();
    await serve(endpoint, v1); // another change reached the endpoint meanwhile
    const before = slack.received.length;
    const r = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, id);
    expect(r.json.text).toMatch(/^Not done: the promotion is stale: the live routing of ".*" changed/);
    expect((await getPromotion(id)).approvals).toEqual([]);
    const updates = (await slack.waitForMessages(before + 2)).slice(before);
    expect(JSON.stringify(updates[1].body.blocks)).toMatch(/⏹ Stale: the live routing/);
  });

  it("answers 200 with a note to a button it does not know, and to a promotion that does not exist", async () => {
    const { id } = await pendingPromotion();
    const unknown = await clickAs(SLACK_ID.approver, "deploy_everything", id);
    expect(unknown.status).toBe(200);
    expect(unknown.json).toMatchObject({ response_type: "ephemeral", text: 'Switchyard does not know the button "deploy_everything". Nothing changed.' });
    const missing = await clickAs(SLACK_ID.approver, SLACK_ACTIONS.approve, "no-such-promotion");
    expect(missing.json.text).toMatch(/not in Switchyard/);
    await unchanged(id);
  });
});

describe("requests Slack did not sign, or not as Slack sends them", () => {
  it("refuses a bad signature, a body changed after signing and a missing signature with 401", async () => {
    const { id } = await pendingPromotion();
    const body = slackForm(click({ slackUserId: SLACK_ID.approver, actionId: SLACK_ACTIONS.approve, value: id, responseUrl: slack.responseUrl() }));
    const wrongSecret = await post(body, slackHeaders(body, { secret: "not-the-signing-secret" }));
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.json.error.message).toMatch(/X-Slack-Signature does not match/);
    const tampered = await post(body.replace("UAPPROVER01", "UADMIN01"), slackHeaders(body));
    expect(tampered.status).toBe(401);
    const { "x-slack-signature": _, ...unsigned } = slackHeaders(body);
    expect((await post(body, unsigned)).status).toBe(401);
    await unchanged(id);
  });

  it("refuses a timestamp 6 minutes old, or 6 minutes ahead, with 401 even when correctly signed", async () => {
    const { id } = await pendingPromotion();
    const body = slackForm(click({ slackUserId: SLACK_ID.approver, actionId: SLACK_ACTIONS.approve, value: id }));
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 360, now + 360]) {
      const r = await post(body, slackHeaders(body, { timestamp }));
      expect(r.status).toBe(401);
      expect(r.json.error.message).toMatch(/more than 5 minutes from now/);
    }
    await unchanged(id);
  });

  it("answers 400 to a body that is not form-encoded, a payload that is not JSON or not a click, and 413 past 64 KiB", async () => {
    const { id } = await pendingPromotion();
    const json = JSON.stringify(click({ slackUserId: SLACK_ID.approver, actionId: SLACK_ACTIONS.approve, value: id }));
    const notForm = await post(json, slackHeaders(json, { contentType: "application/json" }));
    expect(notForm.status).toBe(400);
    expect(notForm.json.error.message).toMatch(/must be application\/x-www-form-urlencoded/);
    const notJson = slackForm("{not json");
    const r = await post(notJson);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/not JSON/);
    const noPayload = "something=else";
    expect((await post(noPayload)).json.error.message).toMatch(/no payload field/);
    const noUser = slackForm({ type: "block_actions", actions: [] });
    const shapeless = await post(noUser);
    expect(shapeless.status).toBe(400);
    expect(shapeless.json.error.field).toBe("payload.user");
    const huge = slackForm({ ...click({ slackUserId: SLACK_ID.approver, actionId: SLACK_ACTIONS.approve, value: id }), padding: "x".repeat(70_000) });
    expect((await post(huge)).status).toBe(413);
    await unchanged(id);
  });

  it("never posts to a response_url outside SLACK_RESPONSE_URL_ORIGIN", async () => {
    const elsewhere = await fakeSlack();
    try {
      const { id } = await pendingPromotion();
      for (const url of [elsewhere.responseUrl(), elsewhere.responseUrl().replace("http://", "http://user:pw@"), `${slack.origin}@${new URL(elsewhere.origin).host}/x`]) {
        expect((await clickAs("UNOBODY42", SLACK_ACTIONS.approve, id, url)).status).toBe(200);
      }
      // the allowed origin still gets its note: by the time it arrives, the others were long refused
      await clickAs("UNOBODY42", SLACK_ACTIONS.approve, id, slack.responseUrl("allowed"));
      await waitFor("the note on the allowed origin", async () => slack.received.some((m) => m.path.includes("/allowed/")), 10_000);
      expect(elsewhere.received).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("answers 503 saying what to set while SLACK_SIGNING_SECRET is unset", async () => {
    const body = slackForm(click({ slackUserId: SLACK_ID.approver, actionId: SLACK_ACTIONS.approve, value: "x" }));
    const headers = slackHeaders(body);
    const attempt = handleSlackInteraction({
      db, redisUrl: getServices().config.redisUrl, slack: { responseUrlOrigin: slack.origin }, appUrl: "http://localhost",
      rawBody: body, signature: headers["x-slack-signature"], timestamp: headers["x-slack-request-timestamp"],
    });
    await expect(attempt).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/set SLACK_SIGNING_SECRET/) });
  });
});

describe("linking members to Slack users", () => {
  it("lets admins set, show and clear a member's Slack user id; unique in the team, validated, audited", async () => {
    const person = w.people.engineer;
    const list = await call(members.GET, "GET", "/api/v1/members", { cookie: w.people.admin.cookie });
    expect(list.json.members.find((m: { email: string }) => m.email === person.email).slackUserId).toBe(SLACK_ID.engineer);
    const taken = await linkSlack(person, SLACK_ID.approver);
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatchObject({ field: "body.slackUserId" });
    expect(taken.json.error.message).toContain(`already linked to ${w.people.approver.email}`);
    const bad = await linkSlack(person, "not-an-id");
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("body.slackUserId");
    const byEngineer = await call(member.PUT, "PUT", `/api/v1/members/${person.email}`, { cookie: person.cookie, body: { slackUserId: "UMINE0001" }, params: { email: person.email } });
    expect(byEngineer.status).toBe(403);
    expect((await call(member.PUT, "PUT", `/api/v1/members/${person.email}`, { cookie: w.people.admin.cookie, body: {}, params: { email: person.email } })).status).toBe(400);

    const cleared = await linkSlack(person, null);
    expect(cleared.status).toBe(200);
    expect(cleared.json).toMatchObject({ email: person.email, role: "engineer", slackUserId: null });
    const both = await call(member.PUT, "PUT", `/api/v1/members/${person.email}`, { cookie: w.people.admin.cookie, body: { role: "engineer", slackUserId: SLACK_ID.engineer }, params: { email: person.email } });
    expect(both.json).toMatchObject({ role: "engineer", slackUserId: SLACK_ID.engineer });
    const audit = await db.auditEvent.findMany({ where: { teamId: w.teamId, action: "member.slack" }, orderBy: { createdAt: "asc" } });
    expect(audit.slice(-2).map((e) => [e.before, e.after])).toEqual([
      [{ email: person.email, slackUserId: SLACK_ID.engineer }, { email: person.email, slackUserId: null }],
      [{ email: person.email, slackUserId: null }, { email: person.email, slackUserId: SLACK_ID.engineer }],
    ]);
  });
});
