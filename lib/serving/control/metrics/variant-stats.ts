// Per-variant traffic figures over a time window, from the per-minute rollups.
import type { Db } from "../../../db/client";
import { addBuckets, quantileFromBuckets } from "../../shared/rollups";

export type VariantStats = { variant: string; requests: number; errors: number; errorRate: number; p50Ms: number | null; p95Ms: number | null; meanMs: number | null };

export async function variantStats(opts: { db: Db; endpointId: string; since: Date; variants?: string[] }): Promise<VariantStats[]> {
  const minute = new Date(Math.floor(opts.since.getTime() / 60_000) * 60_000);
  const rows = await opts.db.metricRollup.findMany({
    where: { endpointId: opts.endpointId, minute: { gte: minute }, ...(opts.variants ? { variant: { in: opts.variants } } : {}) },
  });
  const by = new Map<string, { count: number; errors: number; sum: number; buckets: number[] }>();
  for (const r of rows) {
    const a = by.get(r.variant) ?? { count: 0, errors: 0, sum: 0, buckets: [] };
    by.set(r.variant, { count: a.count + r.count, errors: a.errors + r.errors, sum: a.sum + r.latencySumMs, buckets: addBuckets(a.buckets, r.latencyBuckets) });
  }
  return [...by.entries()].map(([variant, a]) => ({
    variant,
    requests: a.count,
    errors: a.errors,
    errorRate: a.count ? a.errors / a.count : 0,
    p50Ms: quantileFromBuckets(a.buckets, 0.5),
    p95Ms: quantileFromBuckets(a.buckets, 0.95),
    meanMs: a.count ? a.sum / a.count : null,
  }));
}
