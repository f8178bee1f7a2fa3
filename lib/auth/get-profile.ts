import type { Db } from "../db/client";
import type { Principal } from "./principal";
import type { Role } from "./roles";

export type Profile = { email: string; name: string; team: string; role: Role; slackUserId: string | null };

/** The signed-in person as they see themselves, in the team they are looking at. */
export async function getProfile(opts: { db: Db; principal: Principal }): Promise<Profile> {
  const m = await opts.db.membership.findUniqueOrThrow({ where: { teamId_userId: { teamId: opts.principal.teamId, userId: opts.principal.id } }, include: { user: true } });
  return { email: m.user.email, name: m.user.name, team: opts.principal.teamSlug, role: m.role as Role, slackUserId: m.slackUserId };
}
