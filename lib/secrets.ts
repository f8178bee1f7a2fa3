// Secrets compared without leaking, through timing, how much of a guess was right.
import { createHash, timingSafeEqual } from "node:crypto";

/** Whether two secrets are equal, in constant time whatever their lengths (compared as SHA-256 digests). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
