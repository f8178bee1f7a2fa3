import type { Db } from "../db/client";
import type { Principal } from "./principal";
import { scopesOfRole, type Role } from "./roles";
import { AppError } from "../errors";

/**
 * A person's membership in the team they asked for (by slug), or their first team; `mustChangePassword`
 * says they still have a generated first password (the API then allows only changing it).
 */
export async function resolveMember(opts: { db: Db; userId: string; teamSlug?: string | null }): Promise<Principal & { mustChangePassword: boolean }> {
  const memberships = await opts.db.membership.findMany({
    where: { userId: opts.userId },
    include: { team: true, user: true },
    orderBy: { createdAt: "asc" },
  });
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
