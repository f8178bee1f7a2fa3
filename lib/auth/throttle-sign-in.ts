// Password guessing is throttled per account and per client address: each credential sign-in attempt
// counts against both (Redis, rate-limiter-flexible, fixed 15-minute windows), a successful one is
// taken back (the account's count starts again, the address gets its point back), so what is counted
// is failures. Past SIGN_IN_MAX_FAILURES in a window the next attempt is refused before any password
// is checked, with the seconds until the window ends. When Redis does not answer, each web process
// counts in memory instead. Failed and successful sign-ins and lockouts are audited (account events,
// no team).
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Db } from "../db/client";
import { recordAudit } from "../audit/record-audit";
import { REDIS_KEYS } from "../redis-keys";

export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/** `address` is null when the client's address cannot be trusted (no trusted proxy in front): then only the account counts. */
export type SignInAttempt = { email: string; address: string | null };
export type ThrottledBy = "account" | "address";
export type SignInVerdict =
  | { allowed: true; failures: Record<ThrottledBy, number> }
  | { allowed: false; by: ThrottledBy[]; retryAfterSeconds: number };

type Limiters = Record<ThrottledBy, RateLimiterAbstract>;
const limitersByClient = new WeakMap<Redis, Limiters>();

function limiters(redis: Redis): Limiters {
  let l = limitersByClient.get(redis);
  if (!l) {
    const make = (keyPrefix: string) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points: SIGN_IN_MAX_FAILURES,
        duration: SIGN_IN_WINDOW_SECONDS,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points: SIGN_IN_MAX_FAILURES, duration: SIGN_IN_WINDOW_SECONDS }),
      });
    l = { account: make(REDIS_KEYS.signInAccountPrefix), address: make(REDIS_KEYS.signInAddressPrefix) };
    limitersByClient.set(redis, l);
  }
  return l;
}

/**
 * Waits (briefly) for a client that is still connecting: with `rejectIfRedisNotReady` the limiter counts
 * in memory while Redis is not ready, and a web process's first attempts would otherwise land in memory
 * and the next ones in Redis, each store seeing only part of an account's failures.
 */
async function untilReady(redis: Redis, ms = 1_000): Promise<void> {
  if (redis.status === "ready" || redis.status === "end") return;
  await new Promise<void>((resolve) => {
    const done = () => { clearTimeout(timer); redis.off("ready", done); resolve(); };
    const timer = setTimeout(done, ms);
    redis.once("ready", done);
  });
}

/** The email as typed, normalised as sign-in does, and bounded (it is echoed into audit rows). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase().slice(0, 320);
const keysOf = (a: SignInAttempt): Partial<Record<ThrottledBy, string>> => ({
  account: createHash("sha256").update(normaliseEmail(a.email)).digest("hex").slice(0, 40),
  ...(a.address ? { address: a.address.slice(0, 100) } : {}),
});
const BY: ThrottledBy[] = ["account", "address"];

/** Counts one attempt; refuses it (counting nothing) when the account or the address is over its failures. */
export async function beginSignIn(opts: { redis: Redis; attempt: SignInAttempt }): Promise<SignInVerdict> {
  await untilReady(opts.redis);
  const l = limiters(opts.redis);
  const keys = keysOf(opts.attempt);
  const by = BY.filter((b) => keys[b] !== undefined);
  const results = await Promise.allSettled(by.map((b) => l[b].consume(keys[b]!)));
  const over = by.filter((_, i) => results[i].status === "rejected" && (results[i] as PromiseRejectedResult).reason instanceof RateLimiterRes);
  if (over.length) {
    // a refused attempt is not a guess: give back what it took
    await Promise.allSettled(by.filter((_, i) => results[i].status === "fulfilled" || over.includes(by[i])).map((b) => l[b].reward(keys[b]!, 1)));
    const waitMs = Math.max(...over.map((b) => (results[by.indexOf(b)] as PromiseRejectedResult).reason.msBeforeNext as number));
    return { allowed: false, by: over, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  const failures = Object.fromEntries(BY.map((b) => {
    const i = by.indexOf(b);
    return [b, i >= 0 && results[i].status === "fulfilled" ? (results[i] as PromiseFulfilledResult<RateLimiterRes>).value.consumedPoints : 0];
  })) as Record<ThrottledBy, number>;
  return { allowed: true, failures };
}

const actorOf = async (db: Db, email: string) => {
  const user = await db.user.findUnique({ where: { email }, select: { id: true } });
  return { type: "user" as const, id: user?.id ?? "unknown", label: email };
};

/** The attempt signed in: the account's failures are forgotten, the address gets its point back; audited unless `audit: false` (a caller that audits its own event). */
export async function signInSucceeded(opts: { db: Db; redis: Redis; attempt: SignInAttempt; audit?: boolean }): Promise<void> {
  const l = limiters(opts.redis);
  const keys = keysOf(opts.attempt);
  await Promise.allSettled([l.account.delete(keys.account!), ...(keys.address ? [l.address.reward(keys.address, 1)] : [])]);
  if (opts.audit === false) return;
  const email = normaliseEmail(opts.attempt.email);
  await recordAudit(opts.db, {
    teamId: null, actor: await actorOf(opts.db, email), action: "auth.signin", resourceType: "user", resourceId: email, after: { address: opts.attempt.address },
  });
}

/** The attempt failed (it stays counted); audited, and a lockout too when this failure reached the limit. */
export async function signInFailed(opts: { db: Db; attempt: SignInAttempt; failures: Record<ThrottledBy, number> }): Promise<void> {
  const email = normaliseEmail(opts.attempt.email);
  const actor = await actorOf(opts.db, email);
  const base = { teamId: null, actor, resourceType: "user", resourceId: email };
  await opts.db.$transaction(async (tx) => {
    await recordAudit(tx, { ...base, action: "auth.signin.failed", after: { address: opts.attempt.address, failures: opts.failures } });
    for (const by of BY) {
      if (opts.failures[by] === SIGN_IN_MAX_FAILURES) {
        await recordAudit(tx, { ...base, action: "auth.signin.locked", after: { by, address: opts.attempt.address, failures: SIGN_IN_MAX_FAILURES, windowSeconds: SIGN_IN_WINDOW_SECONDS } });
      }
    }
  });
}
