// NEXTAUTH_SECRET signs (and encrypts) session cookies: whoever knows it can sign in as anyone. In
// production (NODE_ENV=production, which `next start` and the container image set) the web, the job
// workers and the CLI admin commands refuse to start with a missing, short or well-known one; in
// development the web falls back to a fixed value so a fresh clone runs without setup.
import { baseFields } from "./base-env";
import { text } from "./schema-helpers";

export const DEV_AUTH_SECRET = "switchyard-dev-secret-change-me";
export const MIN_AUTH_SECRET_BYTES = 32;
/** Values that appeared in this repository's docs, compose file or tests: never acceptable in production. */
const KNOWN_SECRETS = new Set([DEV_AUTH_SECRET, "change-me-in-production", "test-secret", "e2e-secret", "secret", "changeme", "change-me"]);
export const AUTH_SECRET_HOWTO = "set one with e.g. `export NEXTAUTH_SECRET=$(openssl rand -base64 32)` (the same value for every web and job process; `npm start` generates one into .data/)";

export const authSecretFields = {
  NODE_ENV: baseFields.NODE_ENV,
  NEXTAUTH_SECRET: text({
    secret: true,
    default: undefined,
    docDefault: "a development value (refused in production)",
    description: "signs session cookies; **required in production**: at least 32 bytes, e.g. `openssl rand -base64 32` (`npm start` generates one into `.data/`)",
  }),
};

/** What is wrong with a secret for production use, or null when it is fine. */
export function authSecretProblem(secret: string | undefined): string | null {
  if (!secret) return "is not set";
  if (KNOWN_SECRETS.has(secret)) return "is a well-known default value";
  const bytes = Buffer.byteLength(secret, "utf8");
  if (bytes < MIN_AUTH_SECRET_BYTES) return `is too short (${bytes} bytes; at least ${MIN_AUTH_SECRET_BYTES})`;
  return null;
}

/**
 * For a process's `finish`: the secret to sign sessions with. In production a missing, short or
 * default one is a configuration problem naming NEXTAUTH_SECRET; elsewhere the development value
 * stands in for a missing one.
 */
export function authSecretOf(v: { NODE_ENV?: string; NEXTAUTH_SECRET?: string }, problem: (message: string) => void): string {
  if (v.NODE_ENV === "production") {
    const wrong = authSecretProblem(v.NEXTAUTH_SECRET);
    if (wrong) problem(`NEXTAUTH_SECRET: ${wrong}; in production (NODE_ENV=production) it must be a random value of at least ${MIN_AUTH_SECRET_BYTES} bytes: ${AUTH_SECRET_HOWTO}`);
  }
  return v.NEXTAUTH_SECRET ?? DEV_AUTH_SECRET;
}
