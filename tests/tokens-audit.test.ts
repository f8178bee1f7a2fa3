import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as tokens from "@/app/api/v1/tokens/route";
import * as token from "@/app/api/v1/tokens/[id]/route";
import * as models from "@/app/api/v1/models/route";
import * as audit from "@/app/api/v1/audit/route";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";

const db = getDb();
let w: World;
beforeAll(async () => { w = await makeWorld("tok"); });

describe("API tokens", () => {
  it("are created by admins, shown once, stored hashed, and work until revoked", async () => {
    const r = await call(tokens.POST, "POST", "/api/v1/tokens", { cookie: w.people.admin.cookie, body: { name: "ci", scopes: ["read", "write"], expiresInDays: 30 } });
    expect(r.status).toBe(201);
    const secret: string = r.json.token;
    expect(secret).toMatch(/^sy_[A-Za-z0-9_-]{32}$/);
    expect(r.json.prefix).toBe(secret.slice(0, 9));
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: r.json.id } });
    expect(row.tokenHash).not.toContain(secret.slice(3));
    expect(JSON.stringify(await db.auditEvent.findMany({ where: { resourceId: row.id } }))).not.toContain(secret);

    const list = await call(tokens.GET, "GET", "/api/v1/tokens", { cookie: w.people.admin.cookie });
    expect(JSON.stringify(list.json)).not.toContain(secret);
    expect(list.json.tokens.find((t: { id: string }) => t.id === row.id)).toMatchObject({ name: "ci", scopes: ["read", "write"], lastUsedAt: null });

    expect((await call(models.GET, "GET", "/api/v1/models", { token: secret })).status).toBe(200);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt).not.toBeNull();

    const del = await call(token.DELETE, "DELETE", `/api/v1/tokens/${row.id}`, { cookie: w.people.admin.cookie, params: { id: row.id } });
    expect(del.status).toBe(200);
    expect(del.json.revokedAt).not.toBeNull();
    const after = await call(models.GET, "GET", "/api/v1/models", { token: secret });
    expect(after.status).toBe(401);
    expect(after.json.error.message).toMatch(/revoked/);
  });

  it("cannot be minted by a token or by non-admins, and bad requests name the field", async () => {
    expect((await call(tokens.POST, "POST", "/api/v1/tokens", { token: w.tokens.all, body: { name: "x", scopes: ["read"] } })).status).toBe(403);
    expect((await call(tokens.POST, "POST", "/api/v1/tokens", { cookie: w.people.engineer.cookie, body: { name: "x", scopes: ["read"] } })).status).toBe(403);
    const bad = await call(tokens.POST, "POST", "/api/v1/tokens", { cookie: w.people.admin.cookie, body: { name: "x", scopes: ["root"] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^body\.scopes\.0: /);
    const missing = await call(token.DELETE, "DELETE", "/api/v1/tokens/nope", { cookie: w.people.admin.cookie, params: { id: "nope" } });
    expect(missing.status).toBe(404);
  });

  it("stop working once expired", async () => {
    const r = await call(tokens.POST, "POST", "/api/v1/tokens", { cookie: w.people.admin.cookie, body: { name: "short", scopes: ["read"], expiresInDays: 1 } });
    await db.apiToken.update({ where: { id: r.json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await call(models.GET, "GET", "/api/v1/models", { token: r.json.token });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toMatch(/expired/);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once a token has used its budget for the minute", async () => {
    const { getServices } = await import("@/lib/services");
    const { rateLimitKey } = await import("@/lib/api/rate-limit");
    const { redis, config } = getServices();
    const r = await call(tokens.POST, "POST", "/api/v1/tokens", { cookie: w.people.admin.cookie, body: { name: "busy", scopes: ["read"] } });
    expect((await call(models.GET, "GET", "/api/v1/models", { token: r.json.token })).status).toBe(200);
    await redis.set(rateLimitKey(r.json.id), String(config.rateLimitPerMinute), "PX", 60_000);
    const limited = await call(models.GET, "GET", "/api/v1/models", { token: r.json.token });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(models.GET, "GET", "/api/v1/models", { token: w.tokens.read })).status).toBe(200); // other tokens are not affected
  });
});

describe("audit", () => {
  it("lists the team's events newest first, filtered by action and actor, and pages", async () => {
    for (const name of ["a1", "a2", "a3"]) await call(models.POST, "POST", "/api/v1/models", { cookie: w.people.engineer.cookie, body: { name } });
    const r = await call(audit.GET, "GET", "/api/v1/audit?action=model.&limit=2", { cookie: w.people.viewer.cookie });
    expect(r.status).toBe(200);
    expect(r.json.events.map((e: { after: { name: string } }) => e.after.name)).toEqual(["a3", "a2"]);
    expect(r.json.events[0]).toMatchObject({ action: "model.create", actorType: "user", actorLabel: w.people.engineer.email, resourceType: "model" });
    const next = await call(audit.GET, "GET", `/api/v1/audit?action=model.&limit=2&before=${encodeURIComponent(r.json.nextBefore)}`, { cookie: w.people.viewer.cookie });
    expect(next.json.events[0].after.name).toBe("a1");
    const byActor = await call(audit.GET, "GET", "/api/v1/audit?actor=nobody", { token: w.tokens.read });
    expect(byActor.json.events).toEqual([]);
    const bad = await call(audit.GET, "GET", "/api/v1/audit?limit=0", { token: w.tokens.read });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^query\.limit: /);
  });
});

describe("members", () => {
  it("admins add people (first password shown once), change roles and remove them; a team keeps one admin", async () => {
    const members = await import("@/app/api/v1/members/route");
    const member = await import("@/app/api/v1/members/[email]/route");
    const add = await call(members.POST, "POST", "/api/v1/members", { cookie: w.people.admin.cookie, body: { email: "New.Person@Example.test", role: "viewer" } });
    expect(add.status).toBe(201);
    expect(add.json).toMatchObject({ email: "new.person@example.test", role: "viewer", created: true });
    expect(add.json.initialPassword).toMatch(/^\S{10,}$/);
    const user = await db.user.findUniqueOrThrow({ where: { email: "new.person@example.test" } });
    expect(user.passwordHash).not.toContain(add.json.initialPassword);

    expect((await call(members.POST, "POST", "/api/v1/members", { cookie: w.people.engineer.cookie, body: { email: "x@example.test", role: "admin" } })).status).toBe(403);
    expect((await call(members.POST, "POST", "/api/v1/members", { token: w.tokens.all, body: { email: "x@example.test", role: "admin" } })).status).toBe(403);

    const promote = await call(member.PUT, "PUT", `/api/v1/members/${user.email}`, { cookie: w.people.admin.cookie, body: { role: "approver" }, params: { email: user.email } });
    expect(promote.json.role).toBe("approver");
    const lastAdmin = await call(member.PUT, "PUT", `/api/v1/members/${w.people.admin.email}`, { cookie: w.people.admin.cookie, body: { role: "viewer" }, params: { email: w.people.admin.email } });
    expect(lastAdmin.status).toBe(409);
    const removed = await call(member.DELETE, "DELETE", `/api/v1/members/${user.email}`, { cookie: w.people.admin.cookie, params: { email: encodeURIComponent(user.email) } });
    expect(removed.status).toBe(200);
    const list = await call(members.GET, "GET", "/api/v1/members", { cookie: w.people.viewer.cookie });
    expect(list.json.members.map((m: { email: string }) => m.email)).not.toContain("new.person@example.test");
    const actions = (await db.auditEvent.findMany({ where: { teamId: w.teamId, resourceType: "membership" } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["member.add", "member.role", "member.remove"]));
  });
});
