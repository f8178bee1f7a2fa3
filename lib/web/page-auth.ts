// Authorization for server-rendered pages: the same session cookie and membership rules as the API.
import { cookies } from "next/headers";
import { redirect, notFound } from "next/navigation";
import { sessionUserId } from "../auth/session-cookie";
import { resolveMember } from "../auth/resolve-member";
import { roleAtLeast, type Role } from "../auth/roles";
import { getServices } from "../services";
import { AppError } from "../errors";
import type { Principal } from "../auth/principal";

export async function currentUserId(): Promise<string | null> {
  const { config } = getServices();
  return sessionUserId((await cookies()).toString(), config.authSecret);
}

/** The signed-in member of `teamSlug`; redirects to sign-in when signed out, 404s for other teams. */
export async function requireMember(teamSlug: string, least: Role = "viewer"): Promise<Principal> {
  const userId = await currentUserId();
  if (!userId) redirect("/signin");
  let p: Principal;
  try {
    p = await resolveMember({ db: getServices().db, userId, teamSlug });
  } catch (err) {
    if (err instanceof AppError) notFound();
    throw err;
  }
  if (!roleAtLeast(p.role, least)) redirect(`/t/${teamSlug}/forbidden?need=${least}`);
  return p;
}

export async function teamsOf(userId: string) {
  const rows = await getServices().db.membership.findMany({ where: { userId }, include: { team: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ slug: m.team.slug, name: m.team.name, role: m.role }));
}
