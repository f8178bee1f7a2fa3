import type { Db } from "../../../db/client";
import { variantStats } from "../metrics/variant-stats";
import type { CanaryPlan } from "./plan";

/** Null when the canary variants are healthy since `since`, else the reason to roll back. */
export async function checkGuardrails(opts: { db: Db; endpointId: string; variants: string[]; since: Date; plan: CanaryPlan }): Promise<string | null> {
  const stats = await variantStats({ db: opts.db, endpointId: opts.endpointId, since: opts.since, variants: opts.variants });
  for (const s of stats) {
    if (s.requests < opts.plan.minRequests) continue;
    if (s.errorRate > opts.plan.maxErrorRate) {
      return `${s.variant}: error rate ${(s.errorRate * 100).toFixed(1)}% over ${s.requests} requests exceeds ${(opts.plan.maxErrorRate * 100).toFixed(1)}%`;
    }
    if (s.p95Ms !== null && s.p95Ms > opts.plan.maxP95Ms) return `${s.variant}: p95 latency ${s.p95Ms} ms exceeds ${opts.plan.maxP95Ms} ms`;
  }
  const seen = stats.reduce((n, s) => n + s.requests, 0);
  if (opts.plan.minRequests > 0 && seen < opts.plan.minRequests) return `only ${seen} requests reached the canary (needs ${opts.plan.minRequests})`;
  return null;
}
