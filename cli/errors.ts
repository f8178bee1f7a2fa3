// How a command fails, and so which exit code the CLI ends with.
import type { Flags } from "./flags";

/** Bad usage: unknown command, missing argument, bad flag value. Nothing was sent. Exit 2. */
export class UsageError extends Error {}

/** The command ran and the outcome is a failure (a deployment failed or was rolled back). Exit 1. */
export class CommandFailed extends Error {
  constructor(message: string, readonly result?: unknown) {
    super(message);
  }
}


/** A whole-number flag within bounds, or undefined when absent; anything else is bad usage. */
export function intFlag(f: Flags, name: string, bounds: { min: number; max?: number }): number | undefined {
  const raw = f[name];
  if (raw === undefined) return undefined;
  return wholeNumber(`--${name}`, String(raw), bounds);
}

export function wholeNumber(what: string, raw: string, { min, max }: { min: number; max?: number }): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UsageError(`${what}: expected a whole number ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}, got "${raw}"`);
  }
  return n;
}

export function oneOf<T extends string>(what: string, raw: string, allowed: readonly T[]): T {
  if (!allowed.includes(raw as T)) throw new UsageError(`${what}: use one of ${allowed.join(", ")}, got "${raw}"`);
  return raw as T;
}
