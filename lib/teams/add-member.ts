import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import type { Role } from "../auth/roles";
import { hashPassword } from "../auth/password";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";
import { ensureAdminRemains, lockTeam } from "./members";

/**
 * Adds a person to a team with a role, creating the user when new. A new user without a given
 * password gets a generated one, returned once so it can be handed over, and must change it at
 * first sign-in. The answer names only this team and the email: never the user's id or other teams.
 */
export async function addMember(opts: { db: Db; teamSlug: string; email: string; name?: string; role: Role; password?: string; actor: Actor }) {
  const email = opts.email.trim().toLowerCase();
  const team = await opts.db.team.findUnique({ where: { slug: opts.teamSlug } });
  if (!team) throw notFound(`team "${opts.teamSlug}"`);
  const existing = await opts.db.user.findUnique({ where: { email } });
  const initialPassword = existing ? undefined : (opts.password ?? randomBytes(9).toString("base64url"));
  const passwordHash = initialPassword ? await hashPassword(initialPassword) : undefined;
  return opts.db.$transaction(async (tx) => {
    await lockTeam(tx, team.id);
    const user = existing ?? (await tx.user.create({ data: { email, name: opts.name ?? email.split("@")[0], passwordHash, mustChangePassword: !opts.password } }));
    const before = await tx.membership.findUnique({ where: { teamId_userId: { teamId: team.id, userId: user.id } } });
    // re-adding the last admin with another role would demote them
    await ensureAdminRemains(tx, { teamId: team.id, from: (before?.role as Role | undefined) ?? null, to: opts.role });
    const m = await tx.membership.upsert({
      where: { teamId_userId: { teamId: team.id, userId: user.id } },
      create: { teamId: team.id, userId: user.id, role: opts.role },
      update: { role: opts.role },
    });
    if (before?.role !== opts.role) {
      await recordAudit(tx, {
        teamId: team.id, actor: opts.actor, action: before ? "member.role" : "member.add", resourceType: "membership", resourceId: m.id,
        before: before ? { email, role: before.role } : null, after: { email, role: opts.role },
      });
    }
    return { email, role: opts.role, team: team.slug, created: !existing, initialPassword: opts.password ? undefined : initialPassword };
  });
}
