// Server-side bootstrap commands: they talk to the database directly, for a new install
// that has no token yet. Everything else in the CLI goes through the REST API.
import { parseEnv } from "../lib/env/parse-env";
import { adminEnv } from "../lib/env/cli-env";
import { createDb } from "../lib/db/client";
import { SCOPES, ROLES, type Role, type Scope } from "../lib/auth/roles";
import { createToken } from "../lib/tokens/create-token";
import { addMember } from "../lib/teams/add-member";
import { SYSTEM_ACTOR } from "../lib/auth/principal";
import type { Out } from "./commands";

type Flags = Record<string, string | boolean | undefined>;

function withDb<T>(fn: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb(parseEnv(adminEnv).DATABASE_URL);
  return fn(db).finally(() => db.$disconnect());
}

export async function adminCreateToken(_a: string[], f: Flags, out: Out) {
  const scopes = String(f.scopes ?? "read").split(",") as Scope[];
  if (!f.team || !f.name) throw new Error("usage: switchyard admin create-token --team <slug> --name <name> [--scopes read,write,deploy] [--expires-days n]");
  const bad = scopes.filter((s) => !SCOPES.includes(s));
  if (bad.length) throw new Error(`--scopes: unknown scope ${bad.join(",")} (use ${SCOPES.join(", ")})`);
  return withDb(async (db) => {
    const team = await db.team.findUnique({ where: { slug: String(f.team) } });
    if (!team) throw new Error(`team "${f.team}" not found`);
    const days = f["expires-days"] ? Number(f["expires-days"]) : undefined;
    const t = await createToken({ db, teamId: team.id, name: String(f.name), scopes, expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null, actor: SYSTEM_ACTOR });
    out(t.token);
    return { ...t };
  });
}

export async function adminAddMember(_a: string[], f: Flags, out: Out) {
  const role = String(f.role ?? "engineer") as Role;
  if (!f.team || !f.email) throw new Error("usage: switchyard admin add-member --team <slug> --email <email> [--role viewer|engineer|approver|admin] [--password p]");
  if (!ROLES.includes(role)) throw new Error(`--role: use one of ${ROLES.join(", ")}`);
  return withDb(async (db) => {
    const r = await addMember({ db, teamSlug: String(f.team), email: String(f.email), role, password: f.password as string | undefined, actor: SYSTEM_ACTOR });
    out(`${r.email} is ${r.role} in ${r.team}${r.initialPassword ? `; first password: ${r.initialPassword}` : ""}`);
    return r;
  });
}
