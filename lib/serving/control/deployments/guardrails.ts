import type { Db } from "../../../db/client";
import { variantStats, type VariantStats } from "../metrics/variant-stats";
import type { CanaryPlan } from "./plan";

/** Null when the canary variants are healthy since `since`, else the reason to roll back. */
export async function checkGuardrails(opts: { db: Db; endpointId: string; variants: string[]; since: Date; plan: CanaryPlan }): Promise<string | null> {
  const stats = await variantStats({ db: opts.db, endpointId: opts.endpointId, since: opts.since, variants: opts.variants });
  return judgeGuardrails(stats, opts.plan);
}

/** The decision alone: null when these per-variant figures pass the plan's guardrails, else why not. */
export function judgeGuardrails(stats: VariantStats[], plan: CanaryPlan): string | null {
  for (const s of stats) {
    if (s.requests < plan.minRequests) continue;
    if (s.errorRate > plan.maxErrorRate) {
      return `${s.variant}: error rate ${(s.errorRate * 100).toFixed(1)}% over ${s.requests} requests exceeds ${(plan.maxErrorRate * 100).toFixed(1)}%`;
    }
    if (s.p95Ms !== null && s.p95Ms > plan.maxP95Ms) return `${s.variant}: p95 latency ${s.p95Ms} ms exceeds ${plan.maxP95Ms} ms`;
  }
  const seen = stats.reduce((n, s) => n + s.requests, 0);
  if (plan.minRequests > 0 && seen < plan.minRequests) return `only ${seen} requests reached the canary (needs ${plan.minRequests})`;
  return null;
}
