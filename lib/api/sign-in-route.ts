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
 * The client's address: the last `X-Forwarded-For` entry, which is the one the nearest proxy wrote.
 * Only behind a reverse proxy that appends to the header (nginx `$proxy_add_x_forwarded_for`, cloud
 * load balancers) can a client not choose it: `next start` keeps a header the client sent. So it is
 * used only when TRUST_PROXY says such a proxy is in front; otherwise the address is not counted.
 */
export function clientAddress(req: Request): string {
  const forwarded = req.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  return last || req.headers.get("x-real-ip") || "unknown";
}

/**
 * The email next-auth will check, read as it reads it (the last value of a form field, as
 * Object.fromEntries does). A form naming `email` or `password` twice is refused: the count must be
 * against the account whose password is tried, never a decoy.
 */
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
  const form = new URLSearchParams(text);
  if (form.getAll("email").length > 1 || form.getAll("password").length > 1) {
    throw new AppError("bad_request", "give email and password once each", { field: "email" });
  }
  return Object.fromEntries(form).email ?? "";
}

const signedIn = (res: Response) =>
  res.headers.getSetCookie().some((c) => SESSION_COOKIES.some((name) => c.startsWith(`${name}=`) && !c.startsWith(`${name}=;`)));

export function throttledSignIn(handler: Handler): Handler {
  return async (req, ctx) => {
    const action = (await ctx.params)?.nextauth ?? [];
    if (req.method !== "POST" || action[0] !== "callback" || action[1] !== "credentials") return handler(req, ctx);
    const { db, redis, config } = getServices();
    let email: string;
    try {
      email = await emailOf(req);
    } catch (err) {
      return errorResponse(err);
    }
    const attempt: SignInAttempt = { email, address: config.trustProxy ? clientAddress(req) : null };
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
