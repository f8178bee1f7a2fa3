import { encode } from "next-auth/jwt";
import { readSession, SESSION_MAX_AGE_SECONDS, SESSION_VERSION_CLAIM } from "../auth/session-cookie";

/**
 * A 204 that gives the calling browser its session again under the user's new session version, in
 * the cookie it came with (same name and attributes next-auth uses): the browser that changed the
 * password stays signed in while every other session of that user ends.
 */
export async function renewedSessionResponse(req: Request, secret: string, sessionVersion: number): Promise<Response> {
  const session = await readSession(req.headers.get("cookie"), secret);
  if (!session) return new Response(null, { status: 204 });
  const token = await encode({ token: { ...session.token, [SESSION_VERSION_CLAIM]: sessionVersion }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000).toUTCString();
  const secure = session.cookieName.startsWith("__Secure-") ? "; Secure" : "";
  const cookie = `${session.cookieName}=${token}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${secure}`;
  return new Response(null, { status: 204, headers: { "set-cookie": cookie, "cache-control": "no-store" } });
}
