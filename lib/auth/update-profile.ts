import type { Db } from "../db/client";
import type { Actor, Principal } from "./principal";
import { recordAudit } from "../audit/record-audit";
import { getProfile, type Profile } from "./get-profile";

/** A person changes their own display name. Audited as an account event (no team), like a password change. */
export async function updateProfile(opts: { db: Db; principal: Principal; name: string; actor: Actor }): Promise<Profile> {
  const name = opts.name.trim();
  await opts.db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: opts.principal.id }, select: { name: true, email: true } });
    if (before.name === name) return;
    await tx.user.update({ where: { id: opts.principal.id }, data: { name } });
    await recordAudit(tx, { teamId: null, actor: opts.actor, action: "user.name", resourceType: "user", resourceId: before.email, before: { name: before.name }, after: { name } });
  });
  return getProfile({ db: opts.db, principal: opts.principal });
}
