import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "sy_";

/** A new random credential: `prefix` and 24 random bytes (API tokens `sy_…`, endpoint keys `sk_…`). */
export function generateToken(prefix: string = TOKEN_PREFIX): string {
  return prefix + randomBytes(24).toString("base64url");
}

/** Tokens are long random strings, so a fast hash is enough; only the hash is stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const displayPrefix = (token: string) => token.slice(0, TOKEN_PREFIX.length + 6);
