// Issue 7, finding 1 (forged sessions) and the session-related parts of finding 8: the production
// secret rule, the seeded admin's first password, members without ids, the sign-in throttle, the last
// admin, cookie writes from other origins and the web's /metrics. The production parts run against the
// real web (`next build` + `next start`, NODE_ENV=production) on a database the real seed script filled,
// with a private redis-server; the rest calls the route handlers in-process on the test database.
import { randomBytes, randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, getDb, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { hashPassword } from "@/lib/auth/password";
import { EnvError, parseEnv } from "@/lib/env/parse-env";
import { webEnv } from "@/lib/env/web-env";
import { jobsEnv } from "@/lib/env/jobs-env";
import { adminEnv } from "@/lib/env/cli-env";
import { addMember } from "@/lib/teams/add-member";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as tokens from "@/app/api/v1/tokens/route";
import * as token from "@/app/api/v1/tokens/[id]/route";
import * as members from "@/app/api/v1/members/route";
import * as metrics from "@/app/metrics/route";
import { call, multipart } from "../helpers/call";
import { makeWorld, sessionCookie } from "../helpers/world";
import { otherSignatureModel } from "../helpers/models";
import { freePort, startProcess, startRedis, stopProcess, type Proc } from "../helpers/processes";
import { buildWeb, spawnWeb, startWeb } from "../helpers/web";
import { ADMIN_URL, testDatabaseUrl } from "../setup/urls";

/** The NEXTAUTH_SECRET the web fell back to before: public in the repository, so anyone could sign sessions with it. */
const OLD_DEFAULT_SECRET = "switchyard-dev-secret-change-me";
const strongSecret = () => randomBytes(32).toString("base64url");
// the member routes by email and the password route are new; imported where used, so the rest of this file runs on older code too
const memberRoute = () => import("@/app/api/v1/members/[email]/route");
const passwordRoute = () => import("@/app/api/v1/me/password/route");

const db = getDb();
const SEEDED_ADMIN = "root@sessions.test";

// the real web, in production mode, on a database of its own that scripts/seed.ts filled
let webDb: Db;
let webDbName: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
let artifacts: string;
let web: { url: string; proc: Proc };
let webSecret: string;
let metricsToken: string;
let seedOutput: string;
const extraProcs: Proc[] = [];

const exitWithin = (p: Proc, ms: number) => Promise.race([p.exited, new Promise<"running">((r) => setTimeout(() => r("running"), ms))]);
const webEnvFor = () => ({ DATABASE_URL: testDatabaseUrl(webDbName), REDIS_URL: redis.url, ARTIFACT_DIR: artifacts });
/** Runs a script to its end without blocking this process (spawnSync would stall the HTTP clients' sockets). */
function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, LOG_LEVEL: "warn", ...env }, timeout: 120_000 });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b) => (stdout += b));
  child.stderr.on("data", (b) => (stderr += b));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}
const seed = (env: Record<string, string>) => run(["scripts/seed.ts"], { ...webEnvFor(), ...env });

beforeAll(async () => {
  buildWeb();
  webDbName = `switchyard_sessions_${process.pid}`;
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${webDbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${webDbName}`);
  await admin.end();
  await applyMigrations(testDatabaseUrl(webDbName));
  webDb = createDb(testDatabaseUrl(webDbName));
  redis = await startRedis();
  artifacts = mkdtempSync(path.join(os.tmpdir(), "switchyard-sessions-"));
  // as `npm start` seeds a fresh install: no SEED_ADMIN_PASSWORD
  const seeded = await seed({ SEED_ADMIN_EMAIL: SEEDED_ADMIN, SEED_ADMIN_PASSWORD: "" });
  seedOutput = `${seeded.stdout}${seeded.stderr}`;
  expect(seeded.status, seedOutput).toBe(0);
  webSecret = strongSecret();
  metricsToken = `metrics-${randomUUID()}`;
  // as behind a reverse proxy that appends the client address (TRUST_PROXY): the tests set X-Forwarded-For as it would
  web = await startWeb({ ...webEnvFor(), NEXTAUTH_SECRET: webSecret, METRICS_TOKEN: metricsToken, TRUST_PROXY: "1" });
}, 300_000);

afterAll(async () => {
  await Promise.all([stopProcess(web?.proc), ...extraProcs.map((p) => stopProcess(p))]);
  await webDb?.$disconnect();
  await redis?.stop();
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${webDbName} WITH (FORCE)`);
  await admin.end();
  if (artifacts) rmSync(artifacts, { recursive: true, force: true });
}, 60_000);

/** A credentials sign-in as the sign-in form makes it, from client address `address` (X-Forwarded-For). */
async function signIn(email: string, password: string, address: string) {
  const csrf = await fetch(`${web.url}/api/auth/csrf`, { headers: { "x-forwarded-for": address } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${web.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": address },
    body: new URLSearchParams({ email, password, csrfToken, json: "true", callbackUrl: `${web.url}/` }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("next-auth.session-token=") && c.length > "next-auth.session-token=".length);
  return { status: res.status, retryAfter: res.headers.get("retry-after"), json: (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null, session };
}

/** A user in the real web's database with a known password, member of the demo team. */
async function webUser(prefix: string, password = "right-password-1") {
  const email = `${prefix}-${randomUUID().slice(0, 8)}@sessions.test`;
  const user = await webDb.user.create({ data: { email, name: prefix, passwordHash: await hashPassword(password) } });
  const team = await webDb.team.findUniqueOrThrow({ where: { slug: "demo" } });
  await webDb.membership.create({ data: { teamId: team.id, userId: user.id, role: "admin" } });
  return { id: user.id, email, password };
}

const auditOf = (email: string) => webDb.auditEvent.findMany({ where: { resourceId: email }, orderBy: { createdAt: "asc" } });

describe("the session secret in production", () => {
  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
      return [];
    } catch (err) {
      if (err instanceof EnvError) return err.problems;
      throw err;
    }
  };

  it("web, jobs and the CLI admin commands refuse a missing, short or default NEXTAUTH_SECRET, naming it and saying how to set one", () => {
    // every other production setting good (the cluster secret), so that the problems are the session secret's
    const prod = { NODE_ENV: "production", CLUSTER_SECRET: strongSecret() };
    for (const spec of [webEnv, jobsEnv, adminEnv]) {
      for (const secret of [undefined, OLD_DEFAULT_SECRET, "change-me-in-production", "only-twenty-six-bytes-long"]) {
        const problems = problemsOf(() => parseEnv(spec, { ...prod, ...(secret ? { NEXTAUTH_SECRET: secret } : {}) }));
        expect(problems.join("\n"), `${spec.usedBy}, NEXTAUTH_SECRET=${secret}`).toMatch(/^NEXTAUTH_SECRET: .*openssl rand -base64 32/m);
        if (secret) expect(problems.join("\n"), "the secret is never echoed").not.toContain(secret);
      }
      const good = strongSecret();
      expect((parseEnv(spec, { ...prod, NEXTAUTH_SECRET: good }) as { NEXTAUTH_SECRET?: string }).NEXTAUTH_SECRET).toBe(good);
      // development needs no setup
      expect(problemsOf(() => parseEnv(spec, {}))).toEqual([]);
    }
  });

  it("a production web without a secret does not start, so a cookie forged with the old default cannot mint a token in another team", async () => {
    const victim = await webUser("victim");
    const forged = `next-auth.session-token=${await encode({ token: { sub: victim.id, email: victim.email }, secret: OLD_DEFAULT_SECRET })}`;
    const port = await freePort();
    const p = spawnWeb(port, { ...webEnvFor(), NEXTAUTH_URL: `http://127.0.0.1:${port}`, NEXTAUTH_SECRET: "" });
    extraProcs.push(p);
    const code = await exitWithin(p, 30_000);
    if (code === "running") {
      // what the review saw: the forged session of the other team's admin mints a deploy token
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/tokens`, {
        method: "POST",
        headers: { cookie: forged, origin: `http://127.0.0.1:${port}`, "content-type": "application/json", "x-switchyard-team": "demo" },
        body: JSON.stringify({ name: "stolen", scopes: ["read", "write", "deploy"] }),
      });
      await stopProcess(p);
      expect(r.status, `a forged session answered ${r.status}: ${await r.text()}`).not.toBe(201);
    }
    expect(code).toBe(1);
    const out = p.output.join("");
    expect(out).toMatch(/NEXTAUTH_SECRET: is not set; in production .*openssl rand -base64 32/);
    expect(out).not.toMatch(/^\s+at /m);

    const withDefault = spawnWeb(await freePort(), { ...webEnvFor(), NEXTAUTH_SECRET: OLD_DEFAULT_SECRET });
    extraProcs.push(withDefault);
    expect(await exitWithin(withDefault, 30_000)).toBe(1);
    expect(withDefault.output.join("")).toContain("NEXTAUTH_SECRET: is a well-known default value");
    expect(await webDb.apiToken.count({ where: { name: "stolen" } })).toBe(0);
  }, 90_000);

  it("the job workers and the admin CLI refuse to start with the default secret in production", async () => {
    const jobs = startProcess("jobs-default-secret", "workers/jobs/main.ts", { ...webEnvFor(), NODE_ENV: "production", NEXTAUTH_SECRET: OLD_DEFAULT_SECRET, JOBS_PORT: String(await freePort()) });
    extraProcs.push(jobs);
    const code = await exitWithin(jobs, 20_000);
    await stopProcess(jobs);
    expect(code).toBe(1);
    expect(jobs.output.join("")).toMatch(/NEXTAUTH_SECRET: is a well-known default value; in production/);

    const cli = await run(["cli/repo.ts", "admin", "create-token", "--team", "demo", "--name", "from-cli"], { ...webEnvFor(), NODE_ENV: "production", NEXTAUTH_SECRET: "" });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/NEXTAUTH_SECRET: is not set; in production/);
    expect(cli.stdout).not.toMatch(/^sy_/m);
    expect(await webDb.apiToken.count({ where: { name: "from-cli" } })).toBe(0);
  }, 60_000);

  it("a cookie signed with another secret is refused by the production web; one signed with its own is taken", async () => {
    const admin = await webUser("cookie");
    const forged = `next-auth.session-token=${await encode({ token: { sub: admin.id, email: admin.email }, secret: OLD_DEFAULT_SECRET })}`;
    const real = `next-auth.session-token=${await encode({ token: { sub: admin.id, email: admin.email }, secret: webSecret })}`;
    const list = (cookie: string) => fetch(`${web.url}/api/v1/tokens`, { headers: { cookie } });
    expect((await list(forged)).status).toBe(401);
    expect((await list(real)).status).toBe(200);
    const mint = await fetch(`${web.url}/api/v1/tokens`, {
      method: "POST", headers: { cookie: forged, origin: web.url, "content-type": "application/json" }, body: JSON.stringify({ name: "forged", scopes: ["deploy"] }),
    });
    expect(mint.status).toBe(401);
    expect(await webDb.apiToken.count({ where: { name: "forged" } })).toBe(0);
  });
});

describe("the seeded admin", () => {
  it("gets a random password, printed once by the seed, and must change it at the first sign-in", async () => {
    const printed = /first password (\S+)/.exec(seedOutput)?.[1];
    expect(printed, seedOutput).toBeTruthy();
    expect(printed).not.toBe("switchyard-admin");
    expect(printed!.length).toBeGreaterThanOrEqual(16);
    expect(seedOutput.split(printed!).length - 1, "printed once").toBe(1);

    const s = await signIn(SEEDED_ADMIN, printed!, "203.0.113.10");
    expect(s.status).toBe(200);
    expect(s.session).toBeTruthy();
    const cookie = s.session!;
    const refused = await fetch(`${web.url}/api/v1/models`, { headers: { cookie } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/change your first password/);
    const page = await fetch(`${web.url}/t/demo/models`, { headers: { cookie }, redirect: "manual" });
    expect(page.headers.get("location") ?? (await page.text())).toContain("/change-password");

    const change = (body: object) => fetch(`${web.url}/api/v1/me/password`, { method: "POST", headers: { cookie, origin: web.url, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await change({ currentPassword: printed, newPassword: "short" })).status).toBe(400);
    expect((await change({ currentPassword: "not-it-at-all", newPassword: "a-long-new-password-1" })).status).toBe(403);
    const changed = await change({ currentPassword: printed, newPassword: "a-long-new-password-1" });
    expect(changed.status).toBe(204);
    // this browser's cookie is re-issued under the new session version; the one it had has ended
    const renewed = (changed.headers.get("set-cookie") ?? "").split(";")[0];
    expect((await fetch(`${web.url}/api/v1/models`, { headers: { cookie: renewed } })).status).toBe(200);
    expect((await fetch(`${web.url}/api/v1/models`, { headers: { cookie } })).status).toBe(401);
    const ended = await fetch(`${web.url}/t/demo/models`, { headers: { cookie }, redirect: "manual" });
    expect(ended.headers.get("location") ?? "").toContain("/signin");
    expect((await signIn(SEEDED_ADMIN, printed!, "203.0.113.11")).status).toBe(401);
    expect((await signIn(SEEDED_ADMIN, "a-long-new-password-1", "203.0.113.12")).status).toBe(200);

    // seeding again prints nothing: the admin exists
    const again = await seed({ SEED_ADMIN_EMAIL: SEEDED_ADMIN, SEED_ADMIN_PASSWORD: "" });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain("first password");
  }, 60_000);

  it("SEED_ADMIN_PASSWORD sets it for automation, without a forced change", async () => {
    const email = `auto-${randomUUID().slice(0, 8)}@sessions.test`;
    const r = await seed({ SEED_ADMIN_EMAIL: email, SEED_ADMIN_PASSWORD: "automation-password-1" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("automation-password-1");
    const s = await signIn(email, "automation-password-1", "203.0.113.20");
    expect(s.status).toBe(200);
    expect((await fetch(`${web.url}/api/v1/models`, { headers: { cookie: s.session! } })).status).toBe(200);
  }, 60_000);
});

describe("the sign-in throttle", () => {
  it("refuses an account after 10 failed sign-ins in 15 minutes with 429 and Retry-After, even with the right password, and audits it", async () => {
    const victim = await webUser("locked");
    for (let i = 0; i < 10; i++) expect((await signIn(victim.email, `guess-${i}`, `198.51.100.${i + 1}`)).status).toBe(401);
    const locked = await signIn(victim.email, victim.password, "198.51.100.200");
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect(Number(locked.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(locked.json?.error).toMatchObject({ code: "rate_limited" });
    expect(locked.json?.error?.message).toMatch(/too many failed sign-ins for this account/);
    expect(locked.session).toBeUndefined();
    // the account's case does not make it another account
    expect((await signIn(victim.email.toUpperCase(), victim.password, "198.51.100.201")).status).toBe(429);
    // the addresses that guessed once each are not locked
    const other = await webUser("neighbour");
    expect((await signIn(other.email, other.password, "198.51.100.1")).status).toBe(200);

    const audit = await auditOf(victim.email);
    expect(audit.filter((e) => e.action === "auth.signin.failed")).toHaveLength(10);
    const lock = audit.filter((e) => e.action === "auth.signin.locked");
    expect(lock).toHaveLength(1);
    expect(lock[0].after).toMatchObject({ by: "account", failures: 10 });
    expect(lock[0].teamId).toBeNull();
    expect(JSON.stringify(audit)).not.toMatch(/guess-\d|right-password/);
    expect((await auditOf(other.email)).map((e) => e.action)).toEqual(["auth.signin"]);
  }, 60_000);

  it("refuses a client address after 10 failed sign-ins, whatever the account; other addresses still sign in", async () => {
    const address = "192.0.2.77";
    for (let i = 0; i < 10; i++) expect((await signIn(`nobody-${i}-${randomUUID().slice(0, 6)}@sessions.test`, "guess", address)).status).toBe(401);
    const user = await webUser("sprayed");
    const refused = await signIn(user.email, user.password, address);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.json?.error?.message).toMatch(/too many failed sign-ins for this address/);
    const elsewhere = await signIn(user.email, user.password, "192.0.2.78");
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.session).toBeTruthy();
    const locks = await webDb.auditEvent.findMany({ where: { action: "auth.signin.locked" } });
    expect(locks.some((e) => (e.after as { by?: string; address?: string }).by === "address" && (e.after as { address?: string }).address === address)).toBe(true);
  }, 60_000);

  it("counts against the account whose password is tried: a decoy email in the same form is refused, a new address each time changes nothing", async () => {
    const user = await webUser("decoyed");
    // the password next-auth checks is the admin's; an attacker names a decoy first to be counted against it
    const csrf = await fetch(`${web.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const body = new URLSearchParams([["email", "decoy@sessions.test"], ["email", user.email], ["password", "guess"], ["csrfToken", csrfToken], ["json", "true"]]);
    const decoy = await fetch(`${web.url}/api/auth/callback/credentials`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body });
    expect(decoy.status).toBe(400);
    expect(((await decoy.json()) as { error: { message: string } }).error.message).toMatch(/email and password once each/);
    // ten wrong passwords from ten addresses still lock the account
    for (let i = 0; i < 10; i++) expect((await signIn(user.email, "wrong", `203.0.113.${i + 1}`)).status).toBe(401);
    const locked = await signIn(user.email, user.password, "203.0.113.200");
    expect(locked.status).toBe(429);
    expect(locked.json?.error?.message).toMatch(/too many failed sign-ins for this account/);
  }, 60_000);

  it("counts failures: a successful sign-in starts the account's count again", async () => {
    const user = await webUser("forgetful");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) expect((await signIn(user.email, "wrong", `198.18.${round}.${i + 1}`)).status).toBe(401);
      expect((await signIn(user.email, user.password, `198.18.${round}.100`)).status).toBe(200);
    }
  }, 60_000);
});

describe("members", () => {
  it("adding someone who is in another team reveals neither their id nor that team; members are listed and changed by email", async () => {
    const mine = await makeWorld("mine");
    const theirs = await makeWorld("theirs");
    const bob = theirs.people.engineer;
    const add = await call(members.POST, "POST", "/api/v1/members", { cookie: mine.people.admin.cookie, body: { email: bob.email.toUpperCase(), role: "viewer" } });
    expect(add.status).toBe(201);
    expect(add.json).toEqual({ email: bob.email, role: "viewer", team: mine.slug, created: false });
    const list = await call(members.GET, "GET", "/api/v1/members", { cookie: mine.people.viewer.cookie });
    expect(list.status).toBe(200);
    const text = JSON.stringify([add.json, list.json]);
    for (const p of [...Object.values(mine.people), ...Object.values(theirs.people)]) expect(text).not.toContain(p.id);
    expect(text).not.toContain(theirs.teamId);
    // the other team's slug appears only inside bob's own email and name (the test world names people after their team)
    expect(text.replaceAll(bob.email, "").replaceAll(`engineer ${theirs.slug}`, "")).not.toContain(theirs.slug);
    for (const m of list.json.members) expect(Object.keys(m).sort()).toEqual(["email", "name", "role", "since", "slackUserId"]);

    const member = await memberRoute();
    const changed = await call(member.PUT, "PUT", `/api/v1/members/${encodeURIComponent(bob.email)}`, { cookie: mine.people.admin.cookie, params: { email: encodeURIComponent(bob.email) }, body: { role: "engineer" } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ email: bob.email, role: "engineer" });
    expect(JSON.stringify(changed.json)).not.toContain(bob.id);
    // a member of the other team only, and a stranger: the same 404
    const notHere = await call(member.PUT, "PUT", `/api/v1/members/${theirs.people.viewer.email}`, { cookie: mine.people.admin.cookie, params: { email: theirs.people.viewer.email }, body: { role: "admin" } });
    const stranger = await call(member.PUT, "PUT", "/api/v1/members/nobody@example.test", { cookie: mine.people.admin.cookie, params: { email: "nobody@example.test" }, body: { role: "admin" } });
    expect([notHere.status, stranger.status]).toEqual([404, 404]);
    expect(notHere.json.error.message).toBe(`member "${theirs.people.viewer.email}" not found`);
    expect(await db.membership.count({ where: { teamId: mine.teamId, userId: theirs.people.viewer.id } })).toBe(0);

    const removed = await call(member.DELETE, "DELETE", `/api/v1/members/${bob.email}`, { cookie: mine.people.admin.cookie, params: { email: bob.email } });
    expect(removed.status).toBe(200);
    expect(await db.membership.count({ where: { userId: bob.id } })).toBe(1); // still in their own team
  });

  it("a member added with a generated password must change it first: everything else is 403 until then", async () => {
    const w = await makeWorld("first");
    const email = `first-${randomUUID().slice(0, 8)}@example.test`;
    const add = await call(members.POST, "POST", "/api/v1/members", { cookie: w.people.admin.cookie, body: { email, role: "engineer" } });
    expect(add.status).toBe(201);
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    const cookie = await sessionCookie(user.id, email);
    const read = await call(models.GET, "GET", "/api/v1/models", { cookie });
    expect(read.status).toBe(403);
    expect(read.json.error.message).toMatch(/change your first password .*POST \/api\/v1\/me\/password/);
    expect((await call(models.POST, "POST", "/api/v1/models", { cookie, body: { name: "before-change" } })).status).toBe(403);

    const me = await passwordRoute();
    const change = (body: object) => call(me.POST, "POST", "/api/v1/me/password", { cookie, body });
    const wrong = await change({ currentPassword: "nope", newPassword: "my-own-password-1" });
    expect(wrong.status).toBe(403);
    const short = await change({ currentPassword: add.json.initialPassword, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(short.json.error.message).toMatch(/^body\.newPassword: /);
    const changed = await change({ currentPassword: add.json.initialPassword, newPassword: "my-own-password-1" });
    expect(changed.status).toBe(204);
    // the answer re-issues this browser's cookie under the new session version; the old one has ended
    const renewed = (changed.headers.get("set-cookie") ?? "").split(";")[0];
    expect((await call(models.GET, "GET", "/api/v1/models", { cookie: renewed })).status).toBe(200);
    expect((await call(models.GET, "GET", "/api/v1/models", { cookie })).status).toBe(401);
    const audit = await db.auditEvent.findMany({ where: { action: "user.password", resourceId: email } });
    expect(audit).toHaveLength(1);

    // a password given by the admin CLI (automation) asks for no change
    await addMember({ db, teamSlug: w.slug, email: `given-${email}`, role: "viewer", password: "given-password-1", actor: SYSTEM_ACTOR });
    expect((await db.user.findUniqueOrThrow({ where: { email: `given-${email}` } })).mustChangePassword).toBe(false);
  });

  it("two admins demoting or removing themselves at the same moment leave the team exactly one admin", async () => {
    const w = await makeWorld("race");
    const secondEmail = `admin2-${w.slug}@example.test`;
    const second = await db.user.create({ data: { email: secondEmail, name: "admin 2" } });
    await db.membership.create({ data: { teamId: w.teamId, userId: second.id, role: "admin" } });
    const admins = [{ email: w.people.admin.email, id: w.people.admin.id, cookie: w.people.admin.cookie }, { email: secondEmail, id: second.id, cookie: await sessionCookie(second.id, secondEmail) }];
    const member = await memberRoute();
    for (let round = 0; round < 8; round++) {
      const remove = round % 2 === 1;
      const results = await Promise.all(admins.map((a) =>
        remove
          ? call(member.DELETE, "DELETE", `/api/v1/members/${a.email}`, { cookie: a.cookie, params: { email: a.email } })
          : call(member.PUT, "PUT", `/api/v1/members/${a.email}`, { cookie: a.cookie, params: { email: a.email }, body: { role: "viewer" } }),
      ));
      expect(results.map((r) => r.status).sort(), `round ${round}: ${JSON.stringify(results.map((r) => r.json))}`).toEqual([200, 409]);
      expect(await db.membership.count({ where: { teamId: w.teamId, role: "admin" } })).toBe(1);
      for (const a of admins) {
        await db.membership.upsert({ where: { teamId_userId: { teamId: w.teamId, userId: a.id } }, create: { teamId: w.teamId, userId: a.id, role: "admin" }, update: { role: "admin" } });
      }
    }
    // re-adding the last admin with a lesser role would demote them too
    await db.membership.update({ where: { teamId_userId: { teamId: w.teamId, userId: second.id } }, data: { role: "viewer" } });
    const readd = await call(members.POST, "POST", "/api/v1/members", { cookie: w.people.admin.cookie, body: { email: w.people.admin.email, role: "viewer" } });
    expect(readd.status).toBe(409);
    expect(await db.membership.count({ where: { teamId: w.teamId, role: "admin" } })).toBe(1);
  }, 60_000);
});

describe("writes with the session cookie", () => {
  it("need this app's Origin and the content type the operation takes; bearer-token calls do not", async () => {
    const w = await makeWorld("origin");
    const cookie = w.people.admin.cookie;
    const post = (headers: Record<string, string>, body: string) =>
      models.POST(new Request("http://localhost/api/v1/models", { method: "POST", headers: { cookie, ...headers }, body }), { params: Promise.resolve({}) });
    const body = JSON.stringify({ name: "csrf-x" });
    const refusals: [Record<string, string>, string, RegExp][] = [
      [{ "content-type": "application/json" }, body, /needs an Origin header/],
      [{ origin: "https://evil.example", "content-type": "application/json" }, body, /must come from this app's own pages \(http:\/\/localhost\), not from https:\/\/evil\.example/],
      [{ origin: "null", "content-type": "application/json" }, body, /must come from this app's own pages/],
      [{ origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" }, "name=csrf-x", /content-type application\/json/],
      [{ origin: "http://localhost", "content-type": "text/plain" }, body, /content-type application\/json, not text\/plain/],
      [{ origin: "http://localhost" }, body, /content-type application\/json/],
    ];
    for (const [headers, b, message] of refusals) {
      const r = await post(headers, b);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(((await r.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "forbidden", message: expect.stringMatching(message) });
    }
    expect(await db.model.count({ where: { teamId: w.teamId } })).toBe(0);
    expect((await post({ origin: "http://localhost", "content-type": "application/json; charset=utf-8" }, body)).status).toBe(201);
    // API tokens are not sent by browsers on their own: no Origin needed
    expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "by-token" } })).status).toBe(201);

    // an upload takes multipart/form-data (what the browser's FormData sends), not JSON
    const upload = await call(versions.POST, "POST", "/api/v1/models/csrf-x/versions", { cookie, rawBody: multipart(otherSignatureModel(), {}), params: { model: "csrf-x" } });
    expect(upload.status, JSON.stringify(upload.json)).toBe(201);
    const jsonUpload = await call(versions.POST, "POST", "/api/v1/models/csrf-x/versions", { cookie, body: { file: "x" }, params: { model: "csrf-x" } });
    expect(jsonUpload.status).toBe(403);
    expect(jsonUpload.json.error.message).toMatch(/multipart\/form-data/);

    // a DELETE without a body needs only the Origin
    const made = await call(tokens.POST, "POST", "/api/v1/tokens", { cookie, body: { name: "to-revoke", scopes: ["read"] } });
    expect(made.status).toBe(201);
    const bare = (origin?: string) => token.DELETE(new Request(`http://localhost/api/v1/tokens/${made.json.id}`, { method: "DELETE", headers: { cookie, ...(origin ? { origin } : {}) } }), { params: Promise.resolve({ id: made.json.id }) });
    expect((await bare()).status).toBe(403);
    expect((await bare("http://localhost")).status).toBeLessThan(300);
  });

  it("are checked against NEXTAUTH_URL by the production web", async () => {
    const admin = await webUser("origin-web");
    const cookie = `next-auth.session-token=${await encode({ token: { sub: admin.id, email: admin.email }, secret: webSecret })}`;
    const create = (origin: string, name: string) =>
      fetch(`${web.url}/api/v1/models`, { method: "POST", headers: { cookie, origin, "content-type": "application/json" }, body: JSON.stringify({ name }) });
    const cross = await create("http://attacker.example", "cross-origin");
    expect(cross.status).toBe(403);
    expect((await create(web.url, "same-origin")).status).toBe(201);
  });
});

describe("the web's /metrics", () => {
  it("wants Authorization: Bearer <METRICS_TOKEN> when it is set", async () => {
    const get = (headers: Record<string, string> = {}) => fetch(`${web.url}/metrics`, { headers });
    const none = await get();
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/METRICS_TOKEN/);
    expect((await get({ authorization: "Bearer wrong" })).status).toBe(401);
    const ok = await get({ authorization: `Bearer ${metricsToken}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("switchyard_process_cpu_seconds_total");
  });

  it("is refused in production without METRICS_TOKEN, and open in development", async () => {
    const other = await startWeb({ ...webEnvFor(), NEXTAUTH_SECRET: strongSecret() });
    extraProcs.push(other.proc);
    const r = await fetch(`${other.url}/metrics`);
    await stopProcess(other.proc);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/until METRICS_TOKEN is set/);
    // the in-process web of the tests runs in development mode without a token
    const dev = await metrics.GET(new Request("http://localhost/metrics"));
    expect(dev.status).toBe(200);
  }, 90_000);
});
