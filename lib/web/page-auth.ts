// Authorization for server-rendered pages: the same session cookie, membership and policy as the API.
// Pages ask lib/auth/policy.ts (here or with `can`) and hand components booleans, never roles.
import { cookies } from "next/headers";
import { redirect, notFound } from "next/navigation";
import { readSession, sessionUserId } from "../auth/session-cookie";
import { resolveMember } from "../auth/resolve-member";
import { allowed, ruleOf, type Action } from "../auth/policy";
import { getServices } from "../services";
import { AppError } from "../errors";
import type { Principal } from "../auth/principal";

/** Where people with a generated first password are sent until they change it (the API refuses them everything else). */
export const CHANGE_PASSWORD_PAGE = "/change-password";

/** The signed-in user's id; null when signed out or when the session ended (password changed or reset since). */
export async function currentUserId(): Promise<string | null> {
  const { config, db } = getServices();
  return sessionUserId((await cookies()).toString(), config.authSecret, db);
}

/**
 * The signed-in member of `teamSlug`; redirects to sign-in when signed out, 404s for other teams,
 * and shows the forbidden page when the policy refuses them `action` (when given).
 */
export async function requireMember(teamSlug: string, action?: Action): Promise<Principal> {
  const { config, db } = getServices();
  const session = await readSession((await cookies()).toString(), config.authSecret);
  if (!session) redirect("/signin");
  let p: Awaited<ReturnType<typeof resolveMember>>;
  try {
    // the session version is checked on the user row resolveMember loads: an ended session signs in again
    p = await resolveMember({ db, userId: session.userId, teamSlug, sessionVersion: session.version });
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") redirect("/signin");
    if (err instanceof AppError) notFound();
    throw err;
  }
  if (p.mustChangePassword) redirect(CHANGE_PASSWORD_PAGE);
  if (action && !allowed(p, action)) redirect(`/t/${teamSlug}/forbidden?need=${ruleOf(action).role}`);
  return p;
}

/** Whether the person still has a generated first password, which they must change before anything else. */
export async function mustChangePassword(userId: string): Promise<boolean> {
  const user = await getServices().db.user.findUnique({ where: { id: userId }, select: { mustChangePassword: true } });
  return user?.mustChangePassword ?? false;
}

export async function teamsOf(userId: string) {
  const rows = await getServices().db.membership.findMany({ where: { userId }, include: { team: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ slug: m.team.slug, name: m.team.name, role: m.role }));
}
