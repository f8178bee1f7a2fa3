// The policy through the real routes: production endpoints, approvers, session-only actions, and
// the 403 messages CI sees. The full matrix is tests/unit/policy.test.ts; this checks the wiring.
import { beforeAll, describe, expect, it } from "vitest";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as traffic from "@/app/api/v1/endpoints/[endpoint]/traffic/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as members from "@/app/api/v1/members/route";
import * as models from "@/app/api/v1/models/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";

let w: World;

const create = (auth: { token?: string; cookie?: string }, name: string, environment: "staging" | "production") =>
  call(endpoints.POST, "POST", "/api/v1/endpoints", { ...auth, body: { name, environment } });
// Names no real version: a request the policy lets through ends in 422 before anything is queued.
const changeTraffic = (auth: { token?: string; cookie?: string }, endpoint: string) =>
  call(traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { ...auth, params: { endpoint }, body: { model: "nope", variants: [{ version: 1, weight: 100 }] } });

beforeAll(async () => {
  w = await makeWorld("pol");
  expect((await create({ cookie: w.people.admin.cookie }, "prod", "production")).status).toBe(201);
  expect((await create({ token: w.tokens.deploy }, "stage", "staging")).status).toBe(201);
});

describe("production endpoints", () => {
  it("are created by admins only, whatever the token's scopes", async () => {
    const engineer = await create({ cookie: w.people.engineer.cookie }, "prod-2", "production");
    expect(engineer.status).toBe(403);
    expect(engineer.json.error).toEqual({ code: "forbidden", message: `this needs the admin role for production endpoints; you are engineer in team "${w.slug}"` });
    const approver = await create({ cookie: w.people.approver.cookie }, "prod-2", "production");
    expect(approver.status).toBe(403);
    const tok = await create({ token: w.tokens.all }, "prod-2", "production");
    expect(tok.status).toBe(403);
    expect(tok.json.error.message).toContain("admin role for production endpoints");
  });

  it("take traffic changes (as promotions, see tests/promotions.test.ts) from engineers, approvers and deploy tokens, like staging", async () => {
    for (const who of [{ cookie: w.people.engineer.cookie }, { cookie: w.people.approver.cookie }, { token: w.tokens.deploy }]) {
      const r = await changeTraffic(who, "prod");
      expect(r.json.error?.code).not.toBe("forbidden");
      expect(r.status).toBe(422);
      const staging = await changeTraffic(who, "stage");
      expect(staging.json.error?.code).not.toBe("forbidden");
      expect(staging.status).toBe(422);
    }
    const admin = await changeTraffic({ cookie: w.people.admin.cookie }, "prod");
    expect(admin.status).toBe(422);
    const viewer = await changeTraffic({ cookie: w.people.viewer.cookie }, "stage");
    expect(viewer.status).toBe(403);
    expect(viewer.json.error.message).toBe(`this needs the engineer role; you are viewer in team "${w.slug}"`);
    const noDeploy = await changeTraffic({ token: w.tokens.write }, "stage");
    expect(noDeploy.status).toBe(403);
    expect(noDeploy.json.error.message).toBe('this token lacks the "deploy" scope');
  });
});

describe("approvers", () => {
  it("may do what engineers may", async () => {
    const r = await call(models.POST, "POST", "/api/v1/models", { cookie: w.people.approver.cookie, body: { name: "by-approver" } });
    expect(r.status).toBe(201);
    expect((await create({ cookie: w.people.approver.cookie }, "approver-stage", "staging")).status).toBe(201);
  });

  it("may not manage tokens or members", async () => {
    const t = await call(tokens.POST, "POST", "/api/v1/tokens", { cookie: w.people.approver.cookie, body: { name: "x", scopes: ["read"] } });
    expect(t.status).toBe(403);
    expect(t.json.error.message).toBe(`this needs the admin role; you are approver in team "${w.slug}"`);
    const m = await call(members.POST, "POST", "/api/v1/members", { cookie: w.people.approver.cookie, body: { email: "x@example.test", role: "viewer" } });
    expect(m.status).toBe(403);
  });
});

describe("tokens", () => {
  it("cannot mint tokens or see members, and are told to sign in", async () => {
    const t = await call(tokens.POST, "POST", "/api/v1/tokens", { token: w.tokens.all, body: { name: "x", scopes: ["read"] } });
    expect(t.json.error).toEqual({ code: "forbidden", message: "API tokens cannot create or revoke API tokens; sign in instead" });
    const m = await call(members.GET, "GET", "/api/v1/members", { token: w.tokens.all });
    expect(m.status).toBe(403);
    expect(m.json.error.message).toMatch(/^API tokens cannot .*; sign in instead$/);
  });
});

describe("OpenAPI", () => {
  it("documents each operation's action, role and scope from the policy", async () => {
    const doc = (await call(openapi.GET, "GET", "/api/v1/openapi.json")).json;
    expect(doc.paths["/api/v1/endpoints/{endpoint}/traffic"].put).toMatchObject({
      "x-action": "traffic.change", "x-required-role": "engineer", "x-required-scope": "deploy",
      security: [{ bearer: [] }, { session: [] }],
    });
    const mint = doc.paths["/api/v1/tokens"].post;
    expect(mint).toMatchObject({ "x-action": "token.manage", "x-required-role": "admin", security: [{ session: [] }] });
    expect(mint["x-required-scope"]).toBeUndefined();
  });
});
