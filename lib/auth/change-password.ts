import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "./principal";
import { hashPassword, verifyPassword } from "./password";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { beginSignIn, signInFailed, signInSucceeded, SIGN_IN_MAX_FAILURES, SIGN_IN_WINDOW_SECONDS } from "./throttle-sign-in";

export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt reads only the first 72 bytes; a longer password would silently lose its end. */
export const MAX_PASSWORD_BYTES = 72;

/** Why a new password is not acceptable, or null. */
export function newPasswordProblem(password: string, current: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) return `must be at most ${MAX_PASSWORD_BYTES} bytes`;
  if (password === current) return "must differ from the current password";
  return null;
}

/**
 * A person changes their own password: the current one proves it is them. Clears the "must change"
 * mark of a generated first password. Audited as an account event (no team).
 * A wrong current password counts against the account's sign-in throttle (lib/auth/throttle-sign-in.ts)
 * and is audited like a failed sign-in, so a stolen session cannot guess it past the sign-in limit;
 * over the limit the attempt is refused (rate_limited, with the seconds to wait) before any check.
 * The user's session version moves on, which ends every session opened before; the answer is the new
 * version, for the caller to re-issue the session it came with.
 */
export async function changePassword(opts: { db: Db; redis: Redis; userId: string; currentPassword: string; newPassword: string; actor: Actor }): Promise<{ sessionVersion: number }> {
  const user = await opts.db.user.findUnique({ where: { id: opts.userId } });
  if (!user) throw new AppError("forbidden", "the current password is wrong", { field: "currentPassword" });
  const attempt = { email: user.email, address: null };
  const verdict = await beginSignIn({ redis: opts.redis, attempt });
  if (!verdict.allowed) {
    const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
    throw new AppError("rate_limited", `too many wrong passwords for this account (${SIGN_IN_MAX_FAILURES} in ${SIGN_IN_WINDOW_SECONDS / 60} minutes); try again in ${minutes} minute${minutes === 1 ? "" : "s"}`, { retryAfterSeconds: verdict.retryAfterSeconds });
  }
  if (!user.passwordHash || !(await verifyPassword(opts.currentPassword, user.passwordHash))) {
    await signInFailed({ db: opts.db, attempt, failures: verdict.failures });
    throw new AppError("forbidden", "the current password is wrong", { field: "currentPassword" });
  }
  // the right password: the account's failures are forgotten, as after a sign-in (the change itself is audited below)
  await signInSucceeded({ db: opts.db, redis: opts.redis, attempt, audit: false });
  const problem = newPasswordProblem(opts.newPassword, opts.currentPassword);
  if (problem) throw new AppError("bad_request", problem, { field: "newPassword" });
  const passwordHash = await hashPassword(opts.newPassword);
  return opts.db.$transaction(async (tx) => {
    const updated = await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false, sessionVersion: { increment: 1 } } });
    await recordAudit(tx, {
      teamId: null, actor: opts.actor, action: "user.password", resourceType: "user", resourceId: user.email,
      before: { mustChangePassword: user.mustChangePassword }, after: { mustChangePassword: false, otherSessionsEnded: true },
    });
    return { sessionVersion: updated.sessionVersion };
  });
}
