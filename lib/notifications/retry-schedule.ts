// When a failed delivery is tried again: exponential backoff (base 1 s: 1 s, 2 s, 4 s … capped at
// 60 s), 8 attempts in all, or what the receiver asked for with Retry-After.

export const MAX_ATTEMPTS = 8;
export const MAX_BACKOFF_MS = 60_000;
/** A Retry-After asking for longer than this is taken as this (a receiver cannot park a delivery for days). */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** The wait after failed attempt number `attempt` (1 = the first). */
export function backoffMs(attempt: number, baseMs = 1_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

export type Outcome = { kind: "succeeded" } | { kind: "retry"; delayMs: number } | { kind: "failed" };

/**
 * What follows attempt number `attempt`: a status code (null: a network error or timeout).
 * 2xx succeeds; network errors, 429 and 5xx are retried until MAX_ATTEMPTS; any other answer fails at once.
 */
export function nextStep(opts: { attempt: number; status: number | null; retryAfter?: string | null; baseMs?: number; now?: number }): Outcome {
  const { status } = opts;
  if (status !== null && status >= 200 && status < 300) return { kind: "succeeded" };
  const retryable = status === null || status === 429 || status >= 500;
  if (!retryable || opts.attempt >= MAX_ATTEMPTS) return { kind: "failed" };
  const asked = retryAfterMs(opts.retryAfter, opts.now);
  return { kind: "retry", delayMs: asked ?? backoffMs(opts.attempt, opts.baseMs) };
}
