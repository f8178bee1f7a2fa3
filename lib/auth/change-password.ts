import type { Db } from "../db/client";
import type { Actor } from "./principal";
import { hashPassword, verifyPassword } from "./password";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";

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
 */
export async function changePassword(opts: { db: Db; userId: string; currentPassword: string; newPassword: string; actor: Actor }): Promise<void> {
  const user = await opts.db.user.findUnique({ where: { id: opts.userId } });
  if (!user?.passwordHash || !(await verifyPassword(opts.currentPassword, user.passwordHash))) {
    throw new AppError("forbidden", "the current password is wrong", { field: "currentPassword" });
  }
  const problem = newPasswordProblem(opts.newPassword, opts.currentPassword);
  if (problem) throw new AppError("bad_request", problem, { field: "newPassword" });
  const passwordHash = await hashPassword(opts.newPassword);
  await opts.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } });
    await recordAudit(tx, {
      teamId: null, actor: opts.actor, action: "user.password", resourceType: "user", resourceId: user.email,
      before: { mustChangePassword: user.mustChangePassword }, after: { mustChangePassword: false },
    });
  });
}
