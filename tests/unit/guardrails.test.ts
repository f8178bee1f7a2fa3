// The guardrails' decision after a canary bake: go on, or roll back and say why.
import { describe, expect, it } from "vitest";
import { judgeGuardrails } from "@/lib/serving/control/deployments/guardrails";
import { canaryPlanSchema } from "@/lib/serving/control/deployments/plan";
import type { VariantStats } from "@/lib/serving/control/metrics/variant-stats";
import { addBuckets, bucketOf, LATENCY_BUCKETS_MS, quantileFromBuckets } from "@/lib/serving/shared/rollups";

const plan = canaryPlanSchema.parse({}); // 5% errors, 500 ms p95, no minimum traffic

function stats(variant: string, requests: number, errors: number, p95Ms: number | null = 20): VariantStats {
  return { variant, requests, errors, errorRate: requests ? errors / requests : 0, p50Ms: p95Ms, p95Ms, meanMs: p95Ms };
}

describe("judgeGuardrails", () => {
  it("lets a healthy canary go on", () => {
    expect(judgeGuardrails([stats("credit-v2", 1_000, 10, 100)], plan)).toBeNull();
  });

  it("rolls back on an error rate above the limit, naming the variant, the rate, the traffic and the limit", () => {
    expect(judgeGuardrails([stats("credit-v2", 200, 20)], plan)).toBe("credit-v2: error rate 10.0% over 200 requests exceeds 5.0%");
  });

  it("treats the limit itself as healthy: exactly 5% errors passes", () => {
    expect(judgeGuardrails([stats("credit-v2", 200, 10)], plan)).toBeNull();
    expect(judgeGuardrails([stats("credit-v2", 200, 11)], plan)).toMatch(/error rate 5\.5% over 200 requests/);
  });

  it("rolls back on a p95 above the limit, and passes one at the limit", () => {
    expect(judgeGuardrails([stats("credit-v2", 500, 0, 1_000)], plan)).toBe("credit-v2: p95 latency 1000 ms exceeds 500 ms");
    expect(judgeGuardrails([stats("credit-v2", 500, 0, 500)], plan)).toBeNull();
  });

  it("reports errors before latency, and the first failing variant", () => {
    const both = stats("credit-v2", 100, 50, 2_500);
    expect(judgeGuardrails([both], plan)).toMatch(/^credit-v2: error rate 50\.0%/);
    expect(judgeGuardrails([stats("credit-v3", 100, 0, 20), stats("credit-v4", 100, 0, 1_000), stats("credit-v5", 100, 9)], plan)).toBe("credit-v4: p95 latency 1000 ms exceeds 500 ms");
  });

  it("uses the plan's own limits", () => {
    const strict = canaryPlanSchema.parse({ maxErrorRate: 0.001, maxP95Ms: 25 });
    expect(judgeGuardrails([stats("credit-v2", 1_000, 2, 10)], strict)).toBe("credit-v2: error rate 0.2% over 1000 requests exceeds 0.1%");
    expect(judgeGuardrails([stats("credit-v2", 1_000, 0, 50)], strict)).toBe("credit-v2: p95 latency 50 ms exceeds 25 ms");
  });

  it("does not judge a variant on less traffic than minRequests, and rolls back when the canary saw too little", () => {
    const needs = canaryPlanSchema.parse({ minRequests: 100 });
    // 3 failures out of 5 requests is not evidence either way...
    expect(judgeGuardrails([stats("credit-v2", 5, 3)], needs)).toBe("only 5 requests reached the canary (needs 100)");
    // ...but across two canary variants the traffic adds up
    expect(judgeGuardrails([stats("credit-v2", 60, 0), stats("credit-v3", 60, 0)], needs)).toBeNull();
    expect(judgeGuardrails([stats("credit-v2", 150, 30)], needs)).toBe("credit-v2: error rate 20.0% over 150 requests exceeds 5.0%");
    expect(judgeGuardrails([], needs)).toBe("only 0 requests reached the canary (needs 100)");
  });

  it("with the default minRequests of 0, passes a canary that saw no traffic at all", () => {
    expect(judgeGuardrails([], plan)).toBeNull();
    expect(judgeGuardrails([stats("credit-v2", 0, 0, null)], plan)).toBeNull();
  });

  it("judges p95 as read from the per-minute latency histograms", () => {
    // two minutes of rollups for the canary: mostly fast, then a slow tail in the second minute
    const minute1 = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
    const minute2 = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
    for (let i = 0; i < 90; i++) minute1[bucketOf(8)]++;
    for (let i = 0; i < 4; i++) minute2[bucketOf(40)]++;
    for (let i = 0; i < 6; i++) minute2[bucketOf(700)]++;
    const p95 = quantileFromBuckets(addBuckets(minute1, minute2), 0.95);
    expect(p95).toBe(1000); // the 95th of 100 requests sits in the (500, 1000] bucket
    expect(judgeGuardrails([stats("credit-v2", 100, 0, p95)], plan)).toBe("credit-v2: p95 latency 1000 ms exceeds 500 ms");
  });
});
