// The served CLI's two variables, read without zod: the one-file CLI stays a few KiB instead of
// carrying zod's 450 KiB. cli-env.ts declares the same variables for the docs table and the repo CLI
// from these constants, and tests/unit/cli-connection.test.ts keeps the two readings equal.
export const SWITCHYARD_URL_DEFAULT = "http://localhost:3000";
export const SWITCHYARD_URL_DESCRIPTION = "the web app the CLI talks to";
export const SWITCHYARD_TOKEN_DESCRIPTION = "the CLI's API token (`sy_…`)";
const PROTOCOLS = ["http:", "https:"];

export class CliEnvError extends Error {}

export type CliConnection = { url: string; token: string | undefined };

export function readCliConnection(env: Record<string, string | undefined> = process.env): CliConnection {
  const raw = env.SWITCHYARD_URL || SWITCHYARD_URL_DEFAULT;
  let ok = false;
  try {
    ok = PROTOCOLS.includes(new URL(raw).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new CliEnvError(`SWITCHYARD_URL: expected a URL starting with http:// or https://, got "${raw}"`);
  return { url: raw, token: env.SWITCHYARD_TOKEN || undefined };
}
