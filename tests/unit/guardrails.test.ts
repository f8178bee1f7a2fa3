// The guardrails' decision after a canary bake: go on, or roll back and say why.
import { describe, expect, it } from "vitest";
import { judgeGuardrails, type GuardrailVerdict } from "@/lib/serving/control/deployments/guardrails";
import { canaryPlanSchema, DEFAULT_MAX_WAIT_SECONDS, DEFAULT_MIN_REQUESTS } from "@/lib/serving/control/deployments/plan";
import type { VariantStats } from "@/lib/serving/control/metrics/variant-stats";
import { addBuckets, bucketOf, emptyHistogram, quantileFromBuckets, RELATIVE_ERROR_BOUND } from "@/lib/serving/shared/rollups";

const plan = canaryPlanSchema.parse({}); // 5% errors, 500 ms p95, 100 requests per new variant

const PASS: GuardrailVerdict = { status: "pass" };
const fail = (reason: string): GuardrailVerdict => ({ status: "fail", reason });
const reasonOf = (v: GuardrailVerdict) => (v.status === "pass" ? null : v.reason);

function stats(variant: string, requests: number, errors: number, p95Ms: number | null = 20): VariantStats {
  return { variant, requests, errors, errorRate: requests ? errors / requests : 0, p50Ms: p95Ms, p95Ms, p99Ms: p95Ms, meanMs: p95Ms };
}

describe("judgeGuardrails", () => {
  it("lets a healthy canary go on", () => {
    expect(judgeGuardrails([stats("credit-v2", 1_000, 10, 100)], plan)).toEqual(PASS);
  });

  it("rolls back on an error rate above the limit, naming the variant, the rate, the traffic and the limit", () => {
    expect(judgeGuardrails([stats("credit-v2", 200, 20)], plan)).toEqual(fail("credit-v2: error rate 10.0% over 200 requests exceeds 5.0%"));
  });

  it("treats the limit itself as healthy: exactly 5% errors passes", () => {
    expect(judgeGuardrails([stats("credit-v2", 200, 10)], plan)).toEqual(PASS);
    expect(reasonOf(judgeGuardrails([stats("credit-v2", 200, 11)], plan))).toMatch(/error rate 5\.5% over 200 requests/);
  });

  it("rolls back on a p95 above the limit, and passes one at the limit", () => {
    expect(judgeGuardrails([stats("credit-v2", 500, 0, 1_000)], plan)).toEqual(fail("credit-v2: p95 latency 1000 ms exceeds 500 ms"));
    expect(judgeGuardrails([stats("credit-v2", 500, 0, 500)], plan)).toEqual(PASS);
  });

  it("reports errors before latency, and the first failing variant", () => {
    const both = stats("credit-v2", 100, 50, 2_500);
    expect(reasonOf(judgeGuardrails([both], plan))).toMatch(/^credit-v2: error rate 50\.0%/);
    expect(judgeGuardrails([stats("credit-v3", 100, 0, 20), stats("credit-v4", 100, 0, 1_000), stats("credit-v5", 100, 9)], plan)).toEqual(fail("credit-v4: p95 latency 1000 ms exceeds 500 ms"));
  });

  it("uses the plan's own limits", () => {
    const strict = canaryPlanSchema.parse({ maxErrorRate: 0.001, maxP95Ms: 25 });
    expect(judgeGuardrails([stats("credit-v2", 1_000, 2, 10)], strict)).toEqual(fail("credit-v2: error rate 0.2% over 1000 requests exceeds 0.1%"));
    expect(judgeGuardrails([stats("credit-v2", 1_000, 0, 50)], strict)).toEqual(fail("credit-v2: p95 latency 50 ms exceeds 25 ms"));
  });

  it("does not judge a variant on less traffic than minRequests: it waits for traffic, saying how much it has", () => {
    const needs = canaryPlanSchema.parse({ minRequests: 100 });
    // 3 failures out of 5 requests is not evidence either way...
    expect(judgeGuardrails([stats("credit-v2", 5, 3)], needs)).toEqual({ status: "wait", reason: "credit-v2: not enough traffic to judge (5 of 100)", seen: 5, needed: 100 });
    expect(judgeGuardrails([stats("credit-v2", 150, 30)], needs)).toEqual(fail("credit-v2: error rate 20.0% over 150 requests exceeds 5.0%"));
    expect(judgeGuardrails([], needs)).toEqual(PASS); // no variant to judge at all
  });

  it("counts a new variant with no rollups at all as 0 requests", () => {
    expect(judgeGuardrails([], plan, ["credit-v2"])).toEqual({ status: "wait", reason: "credit-v2: not enough traffic to judge (0 of 100)", seen: 0, needed: 100 });
    expect(judgeGuardrails([stats("credit-v2", 120, 0)], plan, ["credit-v2", "credit-v3"])).toMatchObject({ status: "wait", reason: "credit-v3: not enough traffic to judge (0 of 100)" });
  });

  it("judges each canary variant on its own traffic: two at 60 requests do not add up to 100, however healthy", () => {
    const needs = canaryPlanSchema.parse({ minRequests: 100 });
    const variants = ["credit-v2", "credit-v3"];
    // the bug this pins: one variant at 50% errors hid behind the total of two
    expect(judgeGuardrails([stats("credit-v2", 60, 0), stats("credit-v3", 60, 30)], needs, variants)).toMatchObject({ status: "wait", reason: "credit-v2: not enough traffic to judge (60 of 100)" });
    expect(judgeGuardrails([stats("credit-v2", 60, 0), stats("credit-v3", 60, 0)], needs, variants).status).toBe("wait");
    // the variant with the least traffic is the one named
    expect(reasonOf(judgeGuardrails([stats("credit-v2", 80, 0), stats("credit-v3", 40, 0)], needs, variants))).toBe("credit-v3: not enough traffic to judge (40 of 100)");
    // one that reached the minimum is judged at once, even while another still waits
    expect(judgeGuardrails([stats("credit-v2", 100, 50), stats("credit-v3", 10, 0)], needs, variants)).toEqual(fail("credit-v2: error rate 50.0% over 100 requests exceeds 5.0%"));
    expect(judgeGuardrails([stats("credit-v2", 100, 0), stats("credit-v3", 100, 5)], needs, variants)).toEqual(PASS);
  });

  it("defaults to 100 requests per new variant and a 600 s wait after the bake; minRequests 0 judges on any traffic", () => {
    expect(plan.minRequests).toBe(DEFAULT_MIN_REQUESTS);
    expect(DEFAULT_MIN_REQUESTS).toBe(100);
    expect(plan.maxWaitSeconds).toBe(DEFAULT_MAX_WAIT_SECONDS);
    expect(DEFAULT_MAX_WAIT_SECONDS).toBe(600);
    expect(judgeGuardrails([stats("credit-v2", 99, 0)], plan).status).toBe("wait");
    expect(judgeGuardrails([stats("credit-v2", 100, 0)], plan)).toEqual(PASS);
    const none = canaryPlanSchema.parse({ minRequests: 0 });
    expect(judgeGuardrails([], none, ["credit-v2"])).toEqual(PASS);
    expect(judgeGuardrails([stats("credit-v2", 0, 0, null)], none)).toEqual(PASS);
    expect(judgeGuardrails([stats("credit-v2", 4, 1)], none)).toEqual(fail("credit-v2: error rate 25.0% over 4 requests exceeds 5.0%"));
  });

  it("judges p95 as read from the per-minute latency histograms, close to the real value", () => {
    // two minutes of rollups for the canary: mostly fast, then a slow tail in the second minute
    const minute1 = emptyHistogram();
    const minute2 = emptyHistogram();
    for (let i = 0; i < 90; i++) minute1[bucketOf(8)]++;
    for (let i = 0; i < 4; i++) minute2[bucketOf(40)]++;
    for (let i = 0; i < 6; i++) minute2[bucketOf(700)]++;
    const p95 = quantileFromBuckets(addBuckets(minute1, minute2), 0.95)!;
    // the 95th of 100 requests took 700 ms; the old coarse buckets could only say 1000
    expect(Math.abs(p95 - 700)).toBeLessThanOrEqual(700 * RELATIVE_ERROR_BOUND);
    expect(reasonOf(judgeGuardrails([stats("credit-v2", 100, 0, p95)], plan))).toMatch(/^credit-v2: p95 latency (69\d|70\d) ms exceeds 500 ms$/);
  });

  it("passes a canary whose p95 sits just under the limit, which coarse buckets rounded up to a failure", () => {
    // 100 requests: 95 at 450 ms, 5 at 480 ms; p95 = 450 ms, under 500 (the old (250, 500] bucket read 500,
    // and a limit of 400 ms and 480 ms would have been judged on the same 500)
    const h = emptyHistogram();
    for (let i = 0; i < 95; i++) h[bucketOf(450)]++;
    for (let i = 0; i < 5; i++) h[bucketOf(480)]++;
    const p95 = quantileFromBuckets(h, 0.95)!;
    expect(judgeGuardrails([stats("credit-v2", 100, 0, p95)], plan)).toEqual(PASS);
    expect(reasonOf(judgeGuardrails([stats("credit-v2", 100, 0, p95)], canaryPlanSchema.parse({ maxP95Ms: 400 })))).toMatch(/p95 latency 4\d\d ms exceeds 400 ms/);
  });
});
