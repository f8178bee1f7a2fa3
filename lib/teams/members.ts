import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import type { Role } from "../auth/roles";
import { recordAudit } from "../audit/record-audit";
import { AppError, notFound } from "../errors";

export async function listMembers(opts: { db: Db; teamId: string }) {
  const rows = await opts.db.membership.findMany({ where: { teamId: opts.teamId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role as Role, since: m.createdAt.toISOString() }));
}

/** Changes a member's role, or removes them (role null). A team always keeps at least one admin. */
export async function updateMember(opts: { db: Db; teamId: string; userId: string; role: Role | null; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const m = await tx.membership.findUnique({ where: { teamId_userId: { teamId: opts.teamId, userId: opts.userId } }, include: { user: true } });
    if (!m) throw notFound(`member "${opts.userId}"`);
    if (m.role === "admin" && opts.role !== "admin") {
      const admins = await tx.membership.count({ where: { teamId: opts.teamId, role: "admin" } });
      if (admins <= 1) throw new AppError("conflict", "a team needs at least one admin; make someone else admin first");
    }
    if (opts.role) await tx.membership.update({ where: { id: m.id }, data: { role: opts.role } });
    else await tx.membership.delete({ where: { id: m.id } });
    await recordAudit(tx, {
      teamId: opts.teamId, actor: opts.actor, action: opts.role ? "member.role" : "member.remove", resourceType: "membership", resourceId: m.id,
      before: { email: m.user.email, role: m.role }, after: opts.role ? { email: m.user.email, role: opts.role } : null,
    });
    return { userId: m.userId, email: m.user.email, name: m.user.name, role: opts.role, since: m.createdAt.toISOString() };
  });
}
