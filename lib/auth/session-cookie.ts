import { decode, type JWT } from "next-auth/jwt";
import type { Db } from "../db/client";
import { AppError } from "../errors";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];
/** How long a session lasts without use (next-auth renews it as it is used). */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;
/**
 * The JWT claim holding the user's session version at sign-in. A password change or an admin's reset
 * bumps User.sessionVersion, and a cookie carrying another version is refused: that is how a password
 * change ends the sessions already open. A cookie without the claim (issued before versions existed) is version 0.
 */
export const SESSION_VERSION_CLAIM = "sv";

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A decoded session cookie: whose it is, the session version it was issued under, and the cookie it came in. */
export type SessionClaims = { userId: string; version: number; cookieName: string; token: JWT };

export const versionOf = (token: JWT): number => {
  const v = token[SESSION_VERSION_CLAIM];
  return typeof v === "number" && Number.isSafeInteger(v) ? v : 0;
};

/**
 * next-auth's encrypted JWT cookie, decoded, or null when there is none or it does not decrypt. This
 * proves only that the app issued it: whether it is still current is {@link ensureCurrentSession}'s question.
 */
export async function readSession(cookieHeader: string | null, secret: string): Promise<SessionClaims | null> {
  for (const cookieName of SESSION_COOKIES) {
    const raw = readCookie(cookieHeader, cookieName);
    if (!raw) continue;
    try {
      const token = await decode({ token: raw, secret });
      if (token?.sub) return { userId: token.sub, version: versionOf(token), cookieName, token };
    } catch {
      return null; // forged or stale cookie: treated as signed out
    }
  }
  return null;
}

export const SESSION_ENDED = "your session has ended (the password was changed or reset since you signed in); sign in again";

/** Refuses a session issued under another version than the user's current one (or for a user who no longer exists). */
export function ensureCurrentSession(session: Pick<SessionClaims, "version">, current: number | null | undefined): void {
  if (current === null || current === undefined || current !== session.version) throw new AppError("unauthorized", SESSION_ENDED);
}

/**
 * The signed-in user's id when the cookie is the app's and still current, or null. One lookup by
 * primary key; callers that load the user anyway (resolveMember) pass the version there instead.
 */
export async function sessionUserId(cookieHeader: string | null, secret: string, db: Db): Promise<string | null> {
  const session = await readSession(cookieHeader, secret);
  if (!session) return null;
  const user = await db.user.findUnique({ where: { id: session.userId }, select: { sessionVersion: true } });
  return user && user.sessionVersion === session.version ? session.userId : null;
}
