import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import type { Actor, Principal } from "../auth/principal";
import type { Role } from "../auth/roles";
import { scopesOfRole } from "../auth/roles";
import { allowed } from "../auth/policy";
import { hashPassword } from "../auth/password";
import { recordAudit } from "../audit/record-audit";
import { AppError, notFound } from "../errors";

/**
 * An admin gives a member a new generated password, returned once to be handed over. The member must
 * change it at their next sign-in, and every session they have open ends (their session version moves on).
 *
 * A user is one account across teams, so a reset by an admin of one team would let that admin sign in
 * as the person in their other teams too: it is allowed only when the caller may manage members in
 * every team the person belongs to. The refusal does not say which other team it is.
 * One's own password is changed with the current one (POST /api/v1/me/password), never reset.
 */
export async function resetMemberPassword(opts: { db: Db; principal: Principal; email: string; actor: Actor }): Promise<{ email: string; initialPassword: string; mustChangePassword: true }> {
  const email = opts.email.trim().toLowerCase();
  const member = await opts.db.membership.findFirst({ where: { teamId: opts.principal.teamId, user: { email } }, include: { user: { include: { memberships: { include: { team: true } } } } } });
  if (!member) throw notFound(`member "${email}"`);
  if (member.userId === opts.principal.id) {
    throw new AppError("conflict", "you cannot reset your own password; change it on your profile page (POST /api/v1/me/password) with the current one");
  }
  const callerRoles = new Map((await opts.db.membership.findMany({ where: { userId: opts.principal.id }, select: { teamId: true, role: true } })).map((m) => [m.teamId, m.role as Role]));
  const managesEveryTeam = member.user.memberships.every((m) => {
    const role = callerRoles.get(m.teamId);
    return role !== undefined && allowed({ kind: "user", role, scopes: scopesOfRole(role), teamSlug: m.team.slug }, "member.manage");
  });
  if (!managesEveryTeam) {
    throw new AppError("forbidden", `${email} is also a member of a team you do not administer; an admin of every team they belong to can reset their password (or they change it themselves)`);
  }
  // 16 characters of base64url (96 bits): over the minimum length, and only ever used once
  const initialPassword = randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(initialPassword);
  await opts.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: member.userId }, data: { passwordHash, mustChangePassword: true, sessionVersion: { increment: 1 } } });
    await recordAudit(tx, {
      teamId: opts.principal.teamId, actor: opts.actor, action: "member.password.reset", resourceType: "membership", resourceId: member.id,
      before: { email }, after: { email, mustChangePassword: true, sessionsEnded: true },
    });
  });
  return { email, initialPassword, mustChangePassword: true };
}
