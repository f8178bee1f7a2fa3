import bcrypt from "bcryptjs";

const ROUNDS = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, ROUNDS);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

// A bcrypt hash (same cost) of a password nobody has: compared against when there is no account or no
// password, so that a sign-in with an unknown email costs as much as one with a wrong password and
// its timing does not tell which emails have accounts.
const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.Ae1Fz0u8xVTzq5eHXK6.dIxkHWbK";

/** Whether `password` matches `hash`; with no hash it spends the same bcrypt time and says no. */
export async function checkPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash || DUMMY_HASH);
  return Boolean(hash) && ok;
}
