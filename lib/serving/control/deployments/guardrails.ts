import type { Db } from "../../../db/client";
import { variantStats, type VariantStats } from "../metrics/variant-stats";
import type { CanaryPlan } from "./plan";

/**
 * The guardrails' answer after (or while waiting past) a bake:
 * - `pass`: every new variant served at least `minRequests` and is within the limits;
 * - `fail`: a variant that served at least `minRequests` broke a limit (roll back at once);
 * - `wait`: no variant failed, but some served fewer than `minRequests`: not enough traffic to judge yet.
 */
export type GuardrailVerdict = { status: "pass" } | { status: "fail"; reason: string } | { status: "wait"; reason: string; seen: number; needed: number };

/** A latency as a person reads it: three significant digits at most (the histogram is no finer). */
const formatMs = (ms: number) => (ms >= 100 ? String(Math.round(ms)) : String(Number(ms.toPrecision(3))));

/** The verdict on the canary variants since `since`. */
export async function checkGuardrails(opts: { db: Db; endpointId: string; variants: string[]; since: Date; plan: CanaryPlan }): Promise<GuardrailVerdict> {
  const stats = await variantStats({ db: opts.db, endpointId: opts.endpointId, since: opts.since, variants: opts.variants, traffic: "served" });
  return judgeGuardrails(stats, opts.plan, opts.variants);
}

/**
 * The decision alone, from per-variant figures. Each of `variants` (default: those in `stats`) is judged
 * on its own traffic: one that has not reached `minRequests` is never judged, and is never helped by
 * another variant's traffic, so a failing variant cannot hide behind a healthy one.
 */
export function judgeGuardrails(stats: VariantStats[], plan: CanaryPlan, variants: string[] = stats.map((s) => s.variant)): GuardrailVerdict {
  const byName = new Map(stats.map((s) => [s.variant, s]));
  const judged = variants.map((v) => byName.get(v) ?? { variant: v, requests: 0, errors: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, meanMs: null });
  for (const s of judged) {
    if (s.requests < plan.minRequests) continue;
    if (s.errorRate > plan.maxErrorRate) {
      return { status: "fail", reason: `${s.variant}: error rate ${(s.errorRate * 100).toFixed(1)}% over ${s.requests} requests exceeds ${(plan.maxErrorRate * 100).toFixed(1)}%` };
    }
    // p95 is read from the log-linear histograms (within 2.93%, rollups.ts), so it is judged as read
    if (s.p95Ms !== null && s.p95Ms > plan.maxP95Ms) return { status: "fail", reason: `${s.variant}: p95 latency ${formatMs(s.p95Ms)} ms exceeds ${plan.maxP95Ms} ms` };
  }
  const short = judged.filter((s) => s.requests < plan.minRequests).sort((a, b) => a.requests - b.requests)[0];
  if (short) return { status: "wait", reason: `${short.variant}: not enough traffic to judge (${short.requests} of ${plan.minRequests})`, seen: short.requests, needed: plan.minRequests };
  return { status: "pass" };
}
