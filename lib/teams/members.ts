import type { Db, Prisma } from "../db/client";
import type { Actor } from "../auth/principal";
import type { Role } from "../auth/roles";
import { recordAudit } from "../audit/record-audit";
import { AppError, notFound } from "../errors";

// Members are named by email, never by user id: a user id is what a session cookie carries, and
// people may be members of other teams, which a team must not learn about.
export async function listMembers(opts: { db: Db; teamId: string }) {
  const rows = await opts.db.membership.findMany({ where: { teamId: opts.teamId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ email: m.user.email, name: m.user.name, role: m.role as Role, since: m.createdAt.toISOString(), slackUserId: m.slackUserId }));
}

/**
 * Takes the team's row lock for the rest of the transaction, so that membership changes of one team
 * happen one after another: the "at least one admin stays" check and the change it allows are then
 * one step (two admins demoting each other at the same moment cannot both pass the check).
 */
export async function lockTeam(tx: Prisma.TransactionClient, teamId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Team" WHERE id = ${teamId} FOR UPDATE`;
}

/** Refuses a change that would leave the team without an admin. Call it after {@link lockTeam}, in the same transaction. */
export async function ensureAdminRemains(tx: Prisma.TransactionClient, opts: { teamId: string; from: Role | null; to: Role | null }): Promise<void> {
  if (opts.from !== "admin" || opts.to === "admin") return;
  const admins = await tx.membership.count({ where: { teamId: opts.teamId, role: "admin" } });
  if (admins <= 1) throw new AppError("conflict", "a team needs at least one admin; make someone else admin first");
}

/**
 * Changes a member's role, or removes them (role null), and/or links their Slack user id (null
 * unlinks; unique in the team). A team always keeps at least one admin.
 */
export async function updateMember(opts: { db: Db; teamId: string; email: string; role?: Role | null; slackUserId?: string | null; actor: Actor }) {
  const email = opts.email.trim().toLowerCase();
  return opts.db.$transaction(async (tx) => {
    await lockTeam(tx, opts.teamId);
    const m = await tx.membership.findFirst({ where: { teamId: opts.teamId, user: { email } }, include: { user: true } });
    if (!m) throw notFound(`member "${email}"`);
    const audit = (action: string, before: object, after: object | null) =>
      recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action, resourceType: "membership", resourceId: m.id, before: { email: m.user.email, ...before }, after: after && { email: m.user.email, ...after } });
    if (opts.role === null) {
      await ensureAdminRemains(tx, { teamId: opts.teamId, from: m.role as Role, to: null });
      await tx.membership.delete({ where: { id: m.id } });
      await audit("member.remove", { role: m.role }, null);
      return { email: m.user.email, name: m.user.name, role: null, since: m.createdAt.toISOString(), slackUserId: m.slackUserId };
    }
    const role = opts.role ?? (m.role as Role);
    const slackUserId = opts.slackUserId === undefined ? m.slackUserId : opts.slackUserId;
    if (role !== m.role) {
      await ensureAdminRemains(tx, { teamId: opts.teamId, from: m.role as Role, to: role });
      await tx.membership.update({ where: { id: m.id }, data: { role } });
      await audit("member.role", { role: m.role }, { role });
    }
    if (slackUserId !== m.slackUserId) {
      await ensureSlackIdFree(tx, opts.teamId, slackUserId, m.id);
      await tx.membership.update({ where: { id: m.id }, data: { slackUserId, slackLinkedBy: slackUserId ? opts.actor.label : null, slackLinkedAt: slackUserId ? new Date() : null } });
      await audit("member.slack", { slackUserId: m.slackUserId }, { slackUserId });
    }
    return { email: m.user.email, name: m.user.name, role, since: m.createdAt.toISOString(), slackUserId };
  });
}

/** A Slack user acts as one member of a team: another member with that id is a conflict. Call after {@link lockTeam}. */
async function ensureSlackIdFree(tx: Prisma.TransactionClient, teamId: string, slackUserId: string | null, membershipId: string): Promise<void> {
  if (slackUserId === null) return;
  const other = await tx.membership.findFirst({ where: { teamId, slackUserId, id: { not: membershipId } }, include: { user: { select: { email: true } } } });
  if (other) throw new AppError("conflict", `Slack user ${slackUserId} is already linked to ${other.user.email}; unlink it there first`, { field: "slackUserId" });
}
