import type { Sticky, Variant } from "../../shared/routing";

/** FNV-1a, 32 bit: fast and well spread for short keys such as user ids. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Picks the variant for one request. With a sticky key the choice is a pure function of the key
 * and the weights, so a user keeps their variant until the weights change; without one it is random.
 */
export function pickVariant(variants: Variant[], stickyKey: string | null, random: () => number = Math.random): Variant | null {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  if (total <= 0) return null;
  const point = stickyKey !== null ? ((hashKey(stickyKey) % 10_000) / 10_000) * total : random() * total;
  let acc = 0;
  for (const v of variants) {
    acc += v.weight;
    if (point < acc) return v;
  }
  return variants[variants.length - 1];
}

/** The sticky key of a request: the header, else the field (first instance, or first value of that OIP input). */
export function stickyKeyOf(sticky: Sticky, headers: Record<string, string | string[] | undefined>, body: unknown): string | null {
  if (!sticky) return null;
  if (sticky.header) {
    const v = headers[sticky.header.toLowerCase()];
    if (typeof v === "string" && v) return v;
  }
  if (sticky.field) {
    const inst = (body as { instances?: Record<string, unknown>[] })?.instances?.[0]?.[sticky.field];
    if (inst !== undefined) return String(inst);
    const input = (body as { inputs?: { name: string; data: unknown[] }[] })?.inputs?.find((i) => i.name === sticky.field)?.data?.flat(Infinity)[0];
    if (input !== undefined) return String(input);
  }
  return null;
}

/**
 * The variant an override header names, by variant name or version number; null when none matches.
 * Never a shadow: a shadow's answers are compared and logged, never returned to a client.
 */
export function findOverride(variants: Variant[], override: string): Variant | null {
  return variants.find((v) => v.role !== "shadow" && (v.name === override || String(v.version) === override)) ?? null;
}
