import type { Db } from "../db/client";
import type { Principal } from "./principal";
import { scopesOfRole, type Role } from "./roles";
import { AppError } from "../errors";
import { ensureCurrentSession } from "./session-cookie";

/**
 * A person's membership in the team they asked for (by slug), or their first team; `mustChangePassword`
 * says they still have a generated first password (the API then allows only changing it).
 * `sessionVersion`, from a session cookie, must be the user's current one (401 otherwise): checked on
 * the user row this query loads anyway, so a session costs no extra lookup.
 */
export async function resolveMember(opts: { db: Db; userId: string; teamSlug?: string | null; sessionVersion?: number }): Promise<Principal & { mustChangePassword: boolean }> {
  const memberships = await opts.db.membership.findMany({
    where: { userId: opts.userId },
    include: { team: true, user: true },
    orderBy: { createdAt: "asc" },
  });
  if (opts.sessionVersion !== undefined) {
    const current = memberships.length
      ? memberships[0].user.sessionVersion
      : (await opts.db.user.findUnique({ where: { id: opts.userId }, select: { sessionVersion: true } }))?.sessionVersion;
    ensureCurrentSession({ version: opts.sessionVersion }, current);
  }
  if (!memberships.length) throw new AppError("forbidden", "you are not a member of any team");
  const m = opts.teamSlug ? memberships.find((x) => x.team.slug === opts.teamSlug) : memberships[0];
  if (!m) throw new AppError("forbidden", `you are not a member of team "${opts.teamSlug}"`);
  return {
    kind: "user",
    id: m.userId,
    label: m.user.email,
    teamId: m.teamId,
    teamSlug: m.team.slug,
    role: m.role as Role,
    scopes: scopesOfRole(m.role as Role),
    mustChangePassword: m.user.mustChangePassword,
  };
}
