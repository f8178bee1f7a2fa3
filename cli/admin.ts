// Server-side bootstrap commands: they talk to the database directly, for a new install
// that has no token yet. Everything else in the CLI goes through the REST API. They run only
// inside the repository (`npm run cli -- admin …`); the bundled CLI the web app serves has none.
import { parseEnv } from "../lib/env/parse-env";
import { adminEnv } from "../lib/env/cli-env";
import { createDb } from "../lib/db/client";
import { SCOPES, ROLES, type Role, type Scope } from "../lib/auth/roles";
import { createToken } from "../lib/tokens/create-token";
import { addMember } from "../lib/teams/add-member";
import { SYSTEM_ACTOR } from "../lib/auth/principal";
import { verifyChain } from "../lib/audit/verify-chain";
import { CommandFailed, intFlag, UsageError } from "./errors";
import { checkDatabase, describeDatabase } from "./admin-database";
import type { Out } from "./commands";

import type { Flags } from "./flags";

export const DEFAULT_TOKEN_DAYS = 90;

/** Says which database it uses (on stderr, so stdout stays the answer), checks it, then runs `fn`. */
async function withDb<T>(err: Out, fn: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const databaseUrl = parseEnv(adminEnv).DATABASE_URL;
  err(`database: ${describeDatabase(databaseUrl)} (DATABASE_URL)`);
  await checkDatabase(databaseUrl);
  const db = createDb(databaseUrl);
  return fn(db).finally(() => db.$disconnect());
}

/** Days until the token expires, or null for a token that never expires (only with --no-expiry). */
function expiryDays(f: Flags): number | null {
  if (f["no-expiry"] && f["expires-days"] !== undefined) throw new UsageError("--expires-days and --no-expiry: give one of them, not both");
  if (f["no-expiry"]) return null;
  return intFlag(f, "expires-days", { min: 1, max: 3650 }) ?? DEFAULT_TOKEN_DAYS;
}

export async function adminCreateToken(_a: string[], f: Flags, out: Out, err: Out) {
  if (!f.team || !f.name) throw new UsageError("usage: admin create-token --team <slug> --name <name> [--scopes read,write,deploy] [--expires-days n (default 90) | --no-expiry]");
  const scopes = String(f.scopes ?? "read").split(",").filter(Boolean) as Scope[];
  const bad = scopes.filter((s) => !SCOPES.includes(s));
  if (bad.length || !scopes.length) throw new UsageError(`--scopes: ${bad.length ? `unknown scope ${bad.join(",")}` : "give at least one"} (use ${SCOPES.join(", ")})`);
  const days = expiryDays(f);
  return withDb(err, async (db) => {
    const team = await db.team.findUnique({ where: { slug: String(f.team) } });
    if (!team) throw new Error(`team "${f.team}" not found`);
    const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000);
    const t = await createToken({ db, teamId: team.id, name: String(f.name), scopes, expiresAt, actor: SYSTEM_ACTOR });
    err(`token "${t.name}" for team ${team.slug}, scopes ${t.scopes.join(",")}, ${expiresAt ? `expires ${expiresAt.toISOString().slice(0, 10)}` : "never expires"}; it is shown once:`);
    out(t.token);
    return { ...t };
  });
}

export async function adminAddMember(_a: string[], f: Flags, out: Out, err: Out) {
  const role = String(f.role ?? "engineer") as Role;
  if (!f.team || !f.email) throw new UsageError("usage: admin add-member --team <slug> --email <email> [--role viewer|engineer|approver|admin] [--password p]");
  if (!ROLES.includes(role)) throw new UsageError(`--role: use one of ${ROLES.join(", ")}`);
  return withDb(err, async (db) => {
    const r = await addMember({ db, teamSlug: String(f.team), email: String(f.email), role, password: f.password as string | undefined, actor: SYSTEM_ACTOR });
    out(`${r.email} is ${r.role} in ${r.team}${r.initialPassword ? `; first password: ${r.initialPassword} (shown once; to be changed at the first sign-in)` : ""}`);
    return r;
  });
}

/**
 * `admin audit verify --team <slug>` (or `--accounts`: the chain of account events, which have no
 * team): re-computes the audit hash chain; exit 1 naming the first event that does not verify.
 */
export async function adminAudit(a: string[], f: Flags, out: Out, err: Out) {
  if (a[0] !== "verify" || a.length > 1 || !f.team === !f.accounts) throw new UsageError("usage: admin audit verify --team <slug> | --accounts");
  return withDb(err, async (db) => {
    let teamId: string | null = null;
    let chain = "the audit chain of account events (no team)";
    if (f.team) {
      const team = await db.team.findUnique({ where: { slug: String(f.team) } });
      if (!team) throw new Error(`team "${f.team}" not found`);
      teamId = team.id;
      chain = `the audit chain of team ${team.slug}`;
    }
    const r = await verifyChain({ db, teamId });
    if (!r.ok && r.firstBad) {
      const at = r.firstBad.seq === null ? "(no seq)" : `(seq ${r.firstBad.seq})`;
      throw new CommandFailed(`${chain} does not verify: event ${r.firstBad.id} ${at}: ${r.firstBad.reason}; the ${r.events} events before it verify`, r);
    }
    out(r.head ? `${chain} verifies: ${r.events} events; last: seq ${r.head.seq}, hash ${r.head.hash}` : `${chain} is empty`);
    return r;
  });
}
