import { decode } from "next-auth/jwt";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The signed-in user's id from next-auth's encrypted JWT cookie, or null. */
export async function sessionUserId(cookieHeader: string | null, secret: string): Promise<string | null> {
  for (const name of SESSION_COOKIES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    try {
      const jwt = await decode({ token, secret });
      if (jwt?.sub) return jwt.sub;
    } catch {
      return null; // forged or stale cookie: treated as signed out
    }
  }
  return null;
}
