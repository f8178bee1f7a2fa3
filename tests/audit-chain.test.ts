// The tamper-evident audit against the real database: concurrent appends keep one chain, the
// append-only trigger refuses changes, a change made around it (as a superuser would) is found by
// `audit verify` (API and CLI), and the export lets an auditor re-compute the chain offline.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as verifyRoute from "@/app/api/v1/audit/verify/route";
import * as exportRoute from "@/app/api/v1/audit/export/route";
import { recordAudit } from "@/lib/audit/record-audit";
import { verifyChain } from "@/lib/audit/verify-chain";
import { exportAudit } from "@/lib/audit/export-audit";
import { backfillAuditChain } from "@/lib/audit/backfill-chain";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";

const ROOT = path.resolve(import.meta.dirname, "..");
const db = getDb();

const superuser = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client(process.env.DATABASE_URL);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

/** A change made around the trigger, as the table's owner (or a superuser) can. */
const tamper = (sql: string, params: unknown[]) => superuser(async (c) => {
  await c.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only_rows"`);
  try {
    await c.query(sql, params);
  } finally {
    await c.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only_rows"`);
  }
});

const event = (w: World, i: number, extra: Partial<Parameters<typeof recordAudit>[1]> = {}) => ({
  teamId: w.teamId, actor: SYSTEM_ACTOR, action: "test.write", resourceType: "thing", resourceId: `thing-${i}`, after: { i, nested: { z: 1, a: [i, "x"] } }, ...extra,
});

const chainOf = (teamId: string) => db.auditEvent.findMany({ where: { teamId }, orderBy: { seq: "asc" } });

function repoCli(args: string[]) {
  const r = spawnSync("npm", ["run", "--silent", "cli", "--", ...args], { cwd: ROOT, encoding: "utf8", env: process.env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function download(w: World, format: string) {
  const res = await exportRoute.GET(new Request(`http://localhost/api/v1/audit/export?format=${format}`, { headers: { authorization: `Bearer ${w.tokens.read}` } }));
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** RFC 4180 records, enough to read the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i++; }
    else cell += ch;
  }
  return rows;
}

/** The offline check of README "Audit", written apart from lib/audit/chain.ts on purpose. */
function offlineCheck(lines: Record<string, unknown>[]): string | null {
  const canon = (v: unknown): string => v === null || typeof v !== "object" ? JSON.stringify(v)
    : Array.isArray(v) ? `[${v.map(canon).join(",")}]`
    : `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(",")}}`;
  let prev: string | null = null;
  for (const [i, e] of lines.entries()) {
    const { id: _id, prevHash, hash, ...fields } = e;
    if (e.seq !== i + 1 || prevHash !== prev) return `seq ${e.seq}`;
    if (createHash("sha256").update(`${prevHash ?? ""}\n${canon(fields)}`).digest("hex") !== hash) return `seq ${e.seq}`;
    prev = hash as string;
  }
  return null;
}

describe("audit hash chain", () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld("chain"); });

  it("stays one unbroken chain when 20 writers append at once, in their own transactions or the caller's", async () => {
    const before = await db.auditEvent.count({ where: { teamId: w.teamId } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => i % 2
      ? recordAudit(db, event(w, i))
      : db.$transaction(async (tx) => { await tx.team.findUniqueOrThrow({ where: { id: w.teamId } }); await recordAudit(tx, event(w, i)); })));
    const rows = await chainOf(w.teamId);
    expect(rows).toHaveLength(before + 20);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    rows.forEach((r, i) => expect(r.prevHash).toBe(i ? rows[i - 1].hash : null));
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
    expect(await verifyChain({ db, teamId: w.teamId, pageSize: 7 })).toEqual({ ok: true, events: rows.length, head: { seq: rows.length, hash: rows.at(-1)!.hash }, firstBad: null });
  });

  it("refuses UPDATE and DELETE through the normal client, and TRUNCATE", async () => {
    const row = (await chainOf(w.teamId))[0];
    await expect(db.auditEvent.update({ where: { id: row.id }, data: { action: "forged" } })).rejects.toThrow(/audit log is append-only/);
    await expect(db.auditEvent.delete({ where: { id: row.id } })).rejects.toThrow(/audit log is append-only/);
    await expect(db.$executeRaw`DELETE FROM "AuditEvent" WHERE "teamId" = ${w.teamId}`).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    // the backfill's flag opens nothing on a chained row
    await expect(db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('switchyard.audit_backfill', 'on', true)`;
      await tx.auditEvent.update({ where: { id: row.id }, data: { hash: "0".repeat(64) } });
    })).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
    expect((await verifyChain({ db, teamId: w.teamId })).ok).toBe(true);
  });

  it("is verified by admins only: 403 for other roles and for tokens", async () => {
    const ok = await call(verifyRoute.GET, "GET", "/api/v1/audit/verify", { cookie: w.people.admin.cookie });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, firstBad: null });
    expect(ok.json.events).toBeGreaterThan(20);
    for (const role of ["viewer", "engineer", "approver"] as const) {
      expect((await call(verifyRoute.GET, "GET", "/api/v1/audit/verify", { cookie: w.people[role].cookie })).status).toBe(403);
    }
    expect((await call(verifyRoute.GET, "GET", "/api/v1/audit/verify", { token: w.tokens.all })).status).toBe(403);
  });
});

describe("audit verify finds what was changed around the trigger", () => {
  it("names an edited event (API, and the CLI exits 1) while an untouched team still verifies", async () => {
    const w = await makeWorld("tampered");
    const clean = await makeWorld("clean");
    for (let i = 0; i < 5; i++) await recordAudit(db, event(w, i));
    await recordAudit(db, event(clean, 0));
    const ok = repoCli(["admin", "audit", "verify", "--team", w.slug]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`audit chain of team ${w.slug} verifies: \\d+ events; last: seq \\d+, hash [0-9a-f]{64}`));

    const victim = (await chainOf(w.teamId))[5];
    await tamper(`UPDATE "AuditEvent" SET "after" = '{"i": 999}' WHERE id = $1`, [victim.id]);

    const api = await call(verifyRoute.GET, "GET", "/api/v1/audit/verify", { cookie: w.people.admin.cookie });
    expect(api.status).toBe(200);
    expect(api.json).toMatchObject({ ok: false, events: victim.seq! - 1, firstBad: { id: victim.id, seq: victim.seq, reason: "hash mismatch" } });
    const cli = repoCli(["admin", "audit", "verify", "--team", w.slug]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`event ${victim.id} (seq ${victim.seq}): hash mismatch`);
    expect(repoCli(["admin", "audit", "verify", "--team", clean.slug]).code).toBe(0);
    expect(repoCli(["admin", "audit", "check", "--team", clean.slug]).code).toBe(2);
    // account events (sign-ins) have no team: their own chain
    await recordAudit(db, { teamId: null, actor: SYSTEM_ACTOR, action: "auth.signin", resourceType: "user", resourceId: "someone@example.test" });
    const accounts = repoCli(["admin", "audit", "verify", "--accounts"]);
    expect(accounts.code, accounts.stderr).toBe(0);
    expect(accounts.stdout).toContain("the audit chain of account events (no team) verifies");
  });

  it("reports a deleted event as a gap and a re-hashed one as a broken link", async () => {
    const w = await makeWorld("gap");
    for (let i = 0; i < 4; i++) await recordAudit(db, event(w, i));
    const rows = await chainOf(w.teamId);
    await tamper(`DELETE FROM "AuditEvent" WHERE id = $1`, [rows[3].id]);
    expect((await verifyChain({ db, teamId: w.teamId })).firstBad).toEqual({ id: rows[4].id, seq: rows[4].seq, reason: "gap" });

    const v = await makeWorld("relink");
    for (let i = 0; i < 3; i++) await recordAudit(db, event(v, i));
    const chain = await chainOf(v.teamId);
    // edited and given a hash that matches its new content: the next event no longer links to it
    const forged = { ...chain[2], after: { forged: true } };
    const { eventHash } = await import("@/lib/audit/chain");
    await tamper(`UPDATE "AuditEvent" SET "after" = $2, hash = $3 WHERE id = $1`, [forged.id, JSON.stringify(forged.after), eventHash(forged.prevHash, { ...forged, seq: forged.seq! })]);
    expect((await verifyChain({ db, teamId: v.teamId })).firstBad).toEqual({ id: chain[3].id, seq: chain[3].seq, reason: "broken link" });
  });
});

describe("the backfill of events written before the chain", () => {
  it("chains them in the order they were written, after which appends continue the chain", async () => {
    const w = await makeWorld("backfill");
    const head = await chainOf(w.teamId);
    await superuser(async (c) => {
      for (let i = 0; i < 3; i++) {
        await c.query(
          `INSERT INTO "AuditEvent" (id, "teamId", "actorType", "actorId", "actorLabel", action, "resourceType", "resourceId", "after", "createdAt")
           VALUES ($1, $2, 'system', 'system', 'switchyard', 'old.write', 'thing', $1, $3, now() - interval '1 day' + $4 * interval '1 second')`,
          [`old-${w.slug}-${i}`, w.teamId, JSON.stringify({ i, b: [1.5, null] }), i],
        );
      }
    });
    expect((await verifyChain({ db, teamId: w.teamId })).firstBad).toEqual({ id: `old-${w.slug}-0`, seq: null, reason: "unchained" });
    expect(await backfillAuditChain(db)).toBe(3);
    await recordAudit(db, event(w, 9));
    const rows = await chainOf(w.teamId);
    expect(rows.map((r) => r.id)).toEqual([...head.map((r) => r.id), `old-${w.slug}-0`, `old-${w.slug}-1`, `old-${w.slug}-2`, rows.at(-1)!.id]);
    expect(await verifyChain({ db, teamId: w.teamId })).toMatchObject({ ok: true, events: head.length + 4 });
    expect(await backfillAuditChain(db)).toBe(0);
  });
});

describe("audit export", () => {
  let a: World;
  let b: World;
  beforeAll(async () => {
    a = await makeWorld("expa");
    b = await makeWorld("expb");
    await recordAudit(db, event(a, 1, { resourceId: "=HYPERLINK(\"http://evil.test\")", after: { note: "comma, \"quote\"\nnewline" } }));
    await recordAudit(db, event(a, 2, { actor: { type: "user", id: "u1", label: "@mallory" } }));
    await recordAudit(db, event(b, 1));
  });

  it("streams the team's events only, in chain order, as JSON Lines an auditor can verify offline", async () => {
    const r = await download(a, "jsonl");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    expect(r.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="audit-${a.slug}-\\d{4}-\\d{2}-\\d{2}\\.jsonl"$`));
    const lines = r.text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const rows = await chainOf(a.teamId);
    expect(lines.map((l) => l.id)).toEqual(rows.map((x) => x.id));
    expect(lines.every((l) => l.teamId === a.teamId)).toBe(true);
    expect(r.text).not.toContain(b.teamId);
    expect(lines.at(-1)).toMatchObject({ actorLabel: "@mallory", seq: rows.length, prevHash: rows.at(-2)!.hash, hash: rows.at(-1)!.hash });
    expect(offlineCheck(lines)).toBeNull();
    lines[1] = { ...lines[1], after: { forged: true } };
    expect(offlineCheck(lines)).toBe("seq 2");
    // read a few rows at a time, the same text
    let paged = "";
    for await (const chunk of exportAudit({ db, teamId: a.teamId, format: "jsonl", pageSize: 2 })) paged += chunk;
    expect(paged).toBe(r.text);
  });

  it("streams CSV with quoting and no cell a spreadsheet would run as a formula", async () => {
    const r = await download(a, "csv");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const [header, ...records] = parseCsv(r.text);
    expect(header).toEqual(["seq", "id", "createdAt", "teamId", "actorType", "actorId", "actorLabel", "action", "resourceType", "resourceId", "before", "after", "prevHash", "hash"]);
    const rows = await chainOf(a.teamId);
    expect(records.map((x) => x[1])).toEqual(rows.map((x) => x.id));
    expect(records.map((x) => x[0])).toEqual(rows.map((x) => String(x.seq)));
    expect(records.every((x) => x[3] === a.teamId)).toBe(true);
    const forged = records.find((x) => x[9].includes("HYPERLINK"))!;
    expect(forged[9]).toBe("'=HYPERLINK(\"http://evil.test\")");
    expect(JSON.parse(forged[11])).toMatchObject({ note: "comma, \"quote\"\nnewline" });
    expect(records.at(-1)![6]).toBe("'@mallory");
    expect(records.at(-1)!.slice(12)).toEqual([rows.at(-2)!.hash, rows.at(-1)!.hash]);
    expect(records.flat().some((cell) => /^[=+\-@]/.test(cell))).toBe(false);
  });

  it("is a download link for signed-in people, viewers included (the page's ?team= picks the team)", async () => {
    const r = await call(exportRoute.GET, "GET", `/api/v1/audit/export?format=csv&team=${a.slug}`, { cookie: a.people.viewer.cookie });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toContain(`audit-${a.slug}-`);
  });

  it("answers 400 to an unknown format", async () => {
    const r = await download(a, "xlsx");
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.message).toMatch(/^query\.format: /);
  });
});
