// The HTTP side of the sign-in throttle (lib/auth/throttle-sign-in.ts): next-auth's credentials
// callback (POST /api/auth/callback/credentials) is counted per account and per client address before
// next-auth sees it; over the limit it answers 429 with Retry-After and the error shape, and no
// password is checked. next-auth's answer tells how it went: a session cookie means signed in,
// anything else a failure.
import { beginSignIn, signInFailed, signInSucceeded, SIGN_IN_MAX_FAILURES, SIGN_IN_WINDOW_SECONDS, type SignInAttempt } from "../auth/throttle-sign-in";
import { SESSION_COOKIES } from "../auth/session-cookie";
import { getServices } from "../services";
import { createLogger } from "../log";
import { AppError } from "../errors";
import { errorResponse } from "./handle";

const log = createLogger("sign-in");

type NextAuthContext = { params: Promise<{ nextauth?: string[] }> };
type Handler = (req: Request, ctx: NextAuthContext) => Promise<Response>;

/**
 * The client's address: the last `X-Forwarded-For` entry, which is the one the nearest proxy (or
 * `next start` itself, from the socket, when the client sent none) wrote. Behind one reverse proxy
 * that appends to the header (nginx `$proxy_add_x_forwarded_for`, cloud load balancers) a client
 * cannot choose it.
 */
export function clientAddress(req: Request): string {
  const forwarded = req.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  return last || req.headers.get("x-real-ip") || "unknown";
}

async function emailOf(req: Request): Promise<string> {
  const type = req.headers.get("content-type") ?? "";
  const text = await req.clone().text().catch(() => "");
  if (type.includes("application/json")) {
    try {
      const v = JSON.parse(text) as { email?: unknown };
      return typeof v.email === "string" ? v.email : "";
    } catch {
      return "";
    }
  }
  return new URLSearchParams(text).get("email") ?? "";
}

const signedIn = (res: Response) =>
  res.headers.getSetCookie().some((c) => SESSION_COOKIES.some((name) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`)));

export function throttledSignIn(handler: Handler): Handler {
  return async (req, ctx) => {
    const action = (await ctx.params)?.nextauth ?? [];
    if (req.method !== "POST" || action[0] !== "callback" || action[1] !== "credentials") return handler(req, ctx);
    const { db, redis } = getServices();
    const attempt: SignInAttempt = { email: await emailOf(req), address: clientAddress(req) };
    const verdict = await beginSignIn({ redis, attempt });
    if (!verdict.allowed) {
      log.warn({ by: verdict.by, retryAfterSeconds: verdict.retryAfterSeconds }, "sign-in refused: too many failures");
      const whose = verdict.by.includes("account") ? "this account" : "this address";
      const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
      return errorResponse(
        new AppError("rate_limited", `too many failed sign-ins for ${whose} (${SIGN_IN_MAX_FAILURES} in ${SIGN_IN_WINDOW_SECONDS / 60} minutes); try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, { retryAfterSeconds: verdict.retryAfterSeconds }),
      );
    }
    const res = await handler(req, ctx);
    try {
      if (signedIn(res)) await signInSucceeded({ db, redis, attempt });
      else await signInFailed({ db, attempt, failures: verdict.failures });
    } catch (err) {
      log.error({ err }, "could not record a sign-in attempt"); // the answer stands; the count is already in Redis
    }
    return res;
  };
}
