// The A/B verdict's bootstrap: the same seed gives the same interval, a clear difference is significant,
// identical variants are not, and the percentile is numpy's.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bootstrapDifference, percentile, type Side } from "@/lib/performance/bootstrap-difference";
import { prepareSample, type Labelled } from "@/lib/performance/compute-metrics";
import { seededRandom } from "@/lib/training/random";

/** n predictions of a classifier whose score separates the classes by `signal` (0: coin flip). */
function classifier(prefix: string, n: number, signal: number, seed: number): Side {
  const rand = seededRandom(seed);
  const rows: Labelled[] = [];
  for (let i = 0; i < n; i++) {
    const actual = rand() < 0.3 ? 1 : 0;
    const score = Math.min(1, Math.max(0, 0.5 + signal * (actual - 0.5) + (rand() - 0.5) * 0.8));
    rows.push({ actual, score, correct: (score >= 0.5 ? 1 : 0) === actual });
  }
  return { sample: prepareSample(rows), requestIds: rows.map((_, i) => `${prefix}-${i}`) };
}

describe("bootstrap difference", () => {
  it("repeats exactly with the same seed, and moves with another", async () => {
    const a = classifier("a", 400, 0.2, 1), b = classifier("b", 400, 0.3, 2);
    const one = await bootstrapDifference({ a, b, metric: "auc", seed: 7 });
    const two = await bootstrapDifference({ a, b, metric: "auc", seed: 7 });
    const other = await bootstrapDifference({ a, b, metric: "auc", seed: 8 });
    expect(two).toEqual(one);
    expect(other.difference).toBe(one.difference);
    expect(other.low).not.toBe(one.low);
    expect(one.resamples + one.skipped).toBe(1000);
  });

  it("a clear difference is significant, with an interval around it", async () => {
    const weak = classifier("a", 1500, 0.05, 3), strong = classifier("b", 1500, 0.6, 4);
    for (const metric of ["auc", "accuracy", "log_loss"] as const) {
      const d = await bootstrapDifference({ a: weak, b: strong, metric });
      expect(d.significant, metric).toBe(true);
      expect(d.low!).toBeLessThanOrEqual(d.difference!);
      expect(d.high!).toBeGreaterThanOrEqual(d.difference!);
      expect(metric === "log_loss" ? d.high! < 0 : d.low! > 0, metric).toBe(true);
    }
  });

  it("identical variants are not significantly different; a shadow copy of the same requests gives a difference of 0", async () => {
    const a = classifier("a", 800, 0.3, 5), b = classifier("b", 800, 0.3, 5);
    const d = await bootstrapDifference({ a, b, metric: "auc" });
    expect(d.difference).toBe(0);
    expect(d.significant).toBe(false);
    expect(d.low!).toBeLessThan(0);
    expect(d.high!).toBeGreaterThan(0);
    // the same requests in both variants: every resample is paired, every difference 0
    const shadow = await bootstrapDifference({ a, b: { ...a }, metric: "auc" });
    expect([shadow.low, shadow.high, shadow.significant]).toEqual([0, 0, false]);
  });

  it("undefined metrics give no interval", async () => {
    const oneClass: Side = { sample: prepareSample([{ actual: 0, score: 0.2, correct: true }, { actual: 0, score: 0.7, correct: false }]), requestIds: ["x", "y"] };
    const d = await bootstrapDifference({ a: oneClass, b: classifier("b", 50, 0.3, 6), metric: "auc" });
    expect(d).toMatchObject({ a: null, difference: null, low: null, high: null, significant: false });
  });

  it("takes the 2.5 and 97.5 percentiles as numpy.percentile does", () => {
    const rand = seededRandom(9);
    const values = Array.from({ length: 997 }, () => rand() - 0.5).sort((x, y) => x - y);
    const want = JSON.parse(execFileSync("/usr/bin/python3", ["-c", "import json,sys,numpy as np; print(json.dumps(np.percentile(json.load(sys.stdin), [2.5, 97.5]).tolist()))"], { input: JSON.stringify(values) }).toString());
    expect(Math.abs(percentile(values, 2.5) - want[0])).toBeLessThan(1e-12);
    expect(Math.abs(percentile(values, 97.5) - want[1])).toBeLessThan(1e-12);
  });
});
