// Issue 9: a password change used to leave every open session working (next-auth JWTs live 7 days).
// Each user now has a session version, stamped into the JWT at sign-in; a change or an admin's reset
// bumps it, and the API refuses (401) a cookie carrying another one. The browser that changed the
// password gets its cookie re-issued and stays signed in. Route handlers run in-process on the test
// database and the run's private Redis.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { getDb } from "@/lib/db/client";
import { authOptions } from "@/lib/auth/auth-options";
import { SESSION_VERSION_CLAIM } from "@/lib/auth/session-cookie";
import * as models from "@/app/api/v1/models/route";
import * as me from "@/app/api/v1/me/route";
import * as password from "@/app/api/v1/me/password/route";
import * as reset from "@/app/api/v1/members/[email]/reset-password/route";
import * as members from "@/app/api/v1/members/route";
import { call } from "../helpers/call";
import { makeWorld, sessionCookie } from "../helpers/world";

const db = getDb();

/** The cookie a browser would keep from a Set-Cookie answer (name=value only). */
const cookieFrom = (headers: Headers) => (headers.get("set-cookie") ?? "").split(";")[0];
const readModels = (cookie: string, team: string) => call(models.GET, "GET", "/api/v1/models", { cookie, headers: { "x-switchyard-team": team } });
const changePassword = (cookie: string, currentPassword: string, newPassword: string) =>
  call(password.POST, "POST", "/api/v1/me/password", { cookie, body: { currentPassword, newPassword } });
const resetPassword = (cookie: string, team: string, email: string) =>
  call(reset.POST, "POST", `/api/v1/members/${encodeURIComponent(email)}/reset-password`, { cookie, params: { email }, headers: { "x-switchyard-team": team } });

/** A second browser of the same person: the cookie next-auth would issue at a sign-in now. */
async function signInAgain(userId: string, email: string): Promise<string> {
  const { sessionVersion } = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const token = await encode({ token: { sub: userId, email, [SESSION_VERSION_CLAIM]: sessionVersion }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}

describe("changing your own password ends your other sessions", () => {
  it("the browser that changed it keeps working with its re-issued cookie; the others get 401", async () => {
    const w = await makeWorld("sv");
    const { id, email, cookie: laptop } = w.people.engineer;
    const phone = await sessionCookie(id, email);
    expect((await readModels(phone, w.slug)).status).toBe(200);

    const changed = await changePassword(laptop, "password-123", "a-brand-new-password");
    expect(changed.status).toBe(204);
    const setCookie = changed.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^next-auth\.session-token=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(changed.headers.get("cache-control")).toBe("no-store");
    const renewed = cookieFrom(changed.headers);

    for (const old of [laptop, phone]) {
      const refused = await readModels(old, w.slug);
      expect(refused.status).toBe(401);
      expect(refused.json.error.message).toMatch(/session has ended .* sign in again/);
    }
    expect((await readModels(renewed, w.slug)).status).toBe(200);
    // a new sign-in gets the current version and works; the audit says other sessions ended
    expect((await readModels(await signInAgain(id, email), w.slug)).status).toBe(200);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "user.password", resourceId: email } });
    expect(audit.after).toMatchObject({ otherSessionsEnded: true });
  });

  it("a wrong current password changes nothing: every session stays", async () => {
    const w = await makeWorld("sv-wrong");
    const { id, email, cookie } = w.people.viewer;
    const other = await sessionCookie(id, email);
    const wrong = await changePassword(cookie, "not-my-password", "a-brand-new-password");
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect((await readModels(other, w.slug)).status).toBe(200);
    expect((await db.user.findUniqueOrThrow({ where: { id } })).sessionVersion).toBe(0);
  });

  it("a forged cookie claiming the next version is still refused: only the app can encrypt one", async () => {
    const w = await makeWorld("sv-forge");
    const { id, email, cookie } = w.people.viewer;
    expect((await changePassword(cookie, "password-123", "a-brand-new-password")).status).toBe(204);
    const forged = `next-auth.session-token=${await encode({ token: { sub: id, email, [SESSION_VERSION_CLAIM]: 1 }, secret: "not-the-apps-secret-at-all-0123456789" })}`;
    expect((await readModels(forged, w.slug)).status).toBe(401);
  });
});

describe("sign-in stamps the session version into the JWT", () => {
  it("credentials: the version read with the password hash; OIDC: the matched user's", async () => {
    const w = await makeWorld("sv-jwt");
    const { id, email } = w.people.viewer;
    await db.user.update({ where: { id }, data: { sessionVersion: 4 } });
    const { callbacks } = authOptions();
    const jwt = callbacks!.jwt!;
    const base = { token: { sub: id, email }, trigger: "signIn" as const };
    const credentials = await jwt({ ...base, user: { id, email, name: "x", sessionVersion: 4 } as never, account: { provider: "credentials", type: "credentials", providerAccountId: id } });
    expect(credentials[SESSION_VERSION_CLAIM]).toBe(4);
    const oidc = await jwt({ ...base, token: { sub: "oidc-subject", email }, user: { id: "oidc-subject", email }, account: { provider: "oidc", type: "oauth", providerAccountId: "oidc-subject" } });
    expect(oidc.sub).toBe(id);
    expect(oidc[SESSION_VERSION_CLAIM]).toBe(4);
    // a later refresh (no user) keeps what sign-in stamped
    const refreshed = await jwt({ token: credentials } as never);
    expect(refreshed[SESSION_VERSION_CLAIM]).toBe(4);
  });
});

describe("an admin resets a member's password", () => {
  it("gives a generated password once, ends the member's sessions and makes them change it first; audited without the password", async () => {
    const w = await makeWorld("reset");
    const target = w.people.engineer;
    const r = await resetPassword(w.people.admin.cookie, w.slug, target.email);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toEqual({ email: target.email, initialPassword: expect.stringMatching(/^[\w-]{16}$/), mustChangePassword: true });

    expect((await readModels(target.cookie, w.slug)).status).toBe(401);
    // a sign-in with the generated password: everything but changing it is refused
    const fresh = await signInAgain(target.id, target.email);
    const gated = await readModels(fresh, w.slug);
    expect(gated.status).toBe(403);
    expect(gated.json.error.message).toMatch(/change your first password/);
    expect((await changePassword(fresh, "password-123", "my-own-password-again")).status).toBe(403);
    const changed = await changePassword(fresh, r.json.initialPassword, "my-own-password-again");
    expect(changed.status).toBe(204);
    expect((await readModels(cookieFrom(changed.headers), w.slug)).status).toBe(200);

    const audit = await db.auditEvent.findMany({ where: { teamId: w.teamId, action: "member.password.reset" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].actorLabel).toBe(w.people.admin.email);
    expect(JSON.stringify(audit[0])).not.toContain(r.json.initialPassword);
    // the admin's own session is untouched
    expect((await readModels(w.people.admin.cookie, w.slug)).status).toBe(200);
  });

  it("is for admins only, never with a token, never for oneself, and only for members of this team", async () => {
    const w = await makeWorld("reset-rules");
    const target = w.people.viewer.email;
    for (const role of ["viewer", "engineer", "approver"] as const) {
      const r = await resetPassword(w.people[role].cookie, w.slug, target);
      expect(r.status, role).toBe(403);
    }
    const byToken = await call(reset.POST, "POST", `/api/v1/members/${target}/reset-password`, { token: w.tokens.all, params: { email: target } });
    expect(byToken.status).toBe(403);
    expect(byToken.json.error.message).toMatch(/API tokens cannot manage members/);

    const self = await resetPassword(w.people.admin.cookie, w.slug, w.people.admin.email);
    expect(self.status).toBe(409);
    expect(self.json.error.message).toMatch(/change it on your profile page/);

    const stranger = (await makeWorld("reset-other")).people.viewer.email;
    const elsewhere = await resetPassword(w.people.admin.cookie, w.slug, stranger);
    expect(elsewhere.status).toBe(404);

    const unchanged = await db.user.findMany({ where: { email: { in: [target, stranger, w.people.admin.email] } } });
    expect(unchanged.map((u) => u.sessionVersion)).toEqual([0, 0, 0]);
    expect(await db.auditEvent.count({ where: { action: "member.password.reset", teamId: w.teamId } })).toBe(0);
  });

  it("refuses when the member is also in a team the admin does not administer (that would let them in there), without naming it", async () => {
    const a = await makeWorld("reset-a");
    const b = await makeWorld("reset-b");
    // b's admin is also a viewer in a; a's admin resetting them would take over team b
    const shared = b.people.admin;
    await db.membership.create({ data: { teamId: a.teamId, userId: shared.id, role: "viewer" } });
    const refused = await resetPassword(a.people.admin.cookie, a.slug, shared.email);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/also a member of a team you do not administer/);
    expect(refused.json.error.message.replace(shared.email, "")).not.toContain(b.slug);
    expect((await readModels(shared.cookie, b.slug)).status).toBe(200);

    // an admin of both teams may
    await db.membership.create({ data: { teamId: b.teamId, userId: a.people.admin.id, role: "admin" } });
    expect((await resetPassword(a.people.admin.cookie, a.slug, shared.email)).status).toBe(200);
    expect((await readModels(shared.cookie, b.slug)).status).toBe(401);
  });
});

describe("PUT /api/v1/me", () => {
  it("changes your own name, audited, and answers your profile in the team asked for", async () => {
    const w = await makeWorld("me");
    const { cookie, email } = w.people.approver;
    await db.membership.update({ where: { teamId_userId: { teamId: w.teamId, userId: w.people.approver.id } }, data: { slackUserId: "U024BE7LH" } });
    const put = (body: unknown, as = cookie) => call(me.PUT, "PUT", "/api/v1/me", { cookie: as, body, headers: { "x-switchyard-team": w.slug } });
    const r = await put({ name: "  Ana Approver  " });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toEqual({ email, name: "Ana Approver", team: w.slug, role: "approver", slackUserId: "U024BE7LH" });
    expect((await db.user.findUniqueOrThrow({ where: { email } })).name).toBe("Ana Approver");
    // the same name again is no change and no audit event
    expect((await put({ name: "Ana Approver" })).status).toBe(200);
    const audit = await db.auditEvent.findMany({ where: { action: "user.name", resourceId: email } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ teamId: null, before: { name: `approver ${w.slug}` }, after: { name: "Ana Approver" } });
    // the list of members shows it
    const list = await call(members.GET, "GET", "/api/v1/members", { cookie, headers: { "x-switchyard-team": w.slug } });
    expect(list.json.members.find((m: { email: string }) => m.email === email).name).toBe("Ana Approver");
  });

  it("refuses an empty or long name, other fields, tokens and signed-out callers", async () => {
    const w = await makeWorld("me-bad");
    const put = (opts: Parameters<typeof call>[3]) => call(me.PUT, "PUT", "/api/v1/me", opts);
    const cookie = w.people.viewer.cookie;
    const blank = await put({ cookie, body: { name: "   " } });
    expect(blank.status).toBe(400);
    expect(blank.json.error).toMatchObject({ field: "body.name", message: "body.name: enter a name" });
    expect((await put({ cookie, body: { name: "x".repeat(101) } })).status).toBe(400);
    const email = await put({ cookie, body: { name: "x", email: `other-${randomUUID()}@example.test` } });
    expect(email.status).toBe(400);
    expect((await put({ token: w.tokens.all, body: { name: "x" } })).status).toBe(403);
    expect((await put({ body: { name: "x" } })).status).toBe(401);
    expect((await db.user.findUniqueOrThrow({ where: { id: w.people.viewer.id } })).name).toBe(`viewer ${w.slug}`);
  });
});
