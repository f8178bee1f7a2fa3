// Per-variant traffic figures over a time window, from the per-minute rollups.
import type { Db } from "../../../db/client";
import { figuresOf, readRollups, type Traffic } from "./read-rollups";

export type VariantStats = {
  variant: string; requests: number; errors: number; errorRate: number;
  /** latency quantiles read from the rollup histograms: within 2.93% of the exact value (rollups.ts) */
  p50Ms: number | null; p95Ms: number | null; p99Ms: number | null; meanMs: number | null;
};

/**
 * One entry per variant and kind of traffic over [since, now]. `traffic` keeps one kind only: guardrails
 * judge the answers served (a shadow's copies never reach a client); charts read both, apart.
 */
export async function variantStats(opts: { db: Db; endpointId: string; since: Date; variants?: string[]; traffic?: Traffic }): Promise<(VariantStats & { traffic: Traffic; version: number })[]> {
  const groups = await readRollups({ db: opts.db, endpointId: opts.endpointId, since: opts.since, variants: opts.variants, traffic: opts.traffic });
  return groups
    .map((g) => ({ variant: g.variant, traffic: g.traffic, version: g.version, ...figuresOf(g) }))
    .sort((a, b) => a.variant.localeCompare(b.variant) || a.traffic.localeCompare(b.traffic));
}
