// Latency histograms as the ingest consumer writes them, and the quantiles read back from them.
import { describe, expect, it } from "vitest";
import { addBuckets, bucketOf, LATENCY_BUCKETS_MS, quantileFromBuckets } from "@/lib/serving/shared/rollups";
import { seeded } from "./fixtures";

const SLOTS = LATENCY_BUCKETS_MS.length + 1; // the bounded buckets and one overflow

function histogram(latencies: number[]): number[] {
  const h = new Array(SLOTS).fill(0);
  for (const ms of latencies) h[bucketOf(ms)]++;
  return h;
}

/** The exact q-quantile by the nearest-rank rule: the ceil(q·n)-th smallest value. */
function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

/** The upper bound of the bucket a latency falls in (overflow: twice the last bound). */
const boundOf = (ms: number) => LATENCY_BUCKETS_MS[bucketOf(ms)] ?? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] * 2;

describe("bucketOf", () => {
  it("puts a latency in the first bucket whose upper bound holds it (bounds are inclusive)", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.001)).toBe(1);
    expect(bucketOf(2)).toBe(1);
    expect(bucketOf(3)).toBe(2);
    expect(bucketOf(100)).toBe(LATENCY_BUCKETS_MS.indexOf(100));
    expect(bucketOf(101)).toBe(LATENCY_BUCKETS_MS.indexOf(250));
    expect(bucketOf(5_000)).toBe(LATENCY_BUCKETS_MS.length - 1);
  });

  it("puts anything slower than the last bound in the overflow bucket", () => {
    expect(bucketOf(5_000.5)).toBe(LATENCY_BUCKETS_MS.length);
    expect(bucketOf(60_000)).toBe(LATENCY_BUCKETS_MS.length);
  });
});

describe("quantileFromBuckets", () => {
  it("has no quantile without traffic", () => {
    expect(quantileFromBuckets([], 0.95)).toBeNull();
    expect(quantileFromBuckets(new Array(SLOTS).fill(0), 0.5)).toBeNull();
  });

  it("reads p50 and p95 of 100 known latencies", () => {
    // 50 requests at 3 ms, 40 at 20 ms, 5 at 80 ms, 5 at 400 ms
    const latencies = [...Array(50).fill(3), ...Array(40).fill(20), ...Array(5).fill(80), ...Array(5).fill(400)];
    const h = histogram(latencies);
    expect(nearestRank(latencies, 0.5)).toBe(3);
    expect(quantileFromBuckets(h, 0.5)).toBe(5);
    expect(nearestRank(latencies, 0.95)).toBe(80);
    expect(quantileFromBuckets(h, 0.95)).toBe(100);
    expect(nearestRank(latencies, 0.96)).toBe(400);
    expect(quantileFromBuckets(h, 0.96)).toBe(500);
    expect(quantileFromBuckets(h, 1)).toBe(500);
  });

  it("gives the upper bound of the bucket that holds the exact p50 and p95, on 10,000 random latencies", () => {
    const rand = seeded(6);
    const shapes: Record<string, () => number> = {
      uniform: () => rand() * 300,
      exponential: () => -Math.log(1 - rand()) * 40,
      bimodal: () => (rand() < 0.9 ? 2 + rand() * 10 : 600 + rand() * 2_000),
      "heavy tail": () => 1 / Math.max(rand(), 1e-4),
    };
    for (const [label, draw] of Object.entries(shapes)) {
      const latencies = Array.from({ length: 10_000 }, draw);
      const h = histogram(latencies);
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = nearestRank(latencies, q);
        const read = quantileFromBuckets(h, q)!;
        expect(read, `${label} q=${q} exact=${exact}`).toBe(boundOf(exact));
        // never below the exact value, and above the bucket's lower bound
        expect(read).toBeGreaterThanOrEqual(exact);
        const i = bucketOf(exact);
        if (i > 0) expect(exact).toBeGreaterThan(LATENCY_BUCKETS_MS[i - 1]);
      }
    }
  });

  it("reports the overflow bucket as twice the last bound", () => {
    const h = histogram([...Array(90).fill(10), ...Array(10).fill(9_000)]);
    expect(quantileFromBuckets(h, 0.9)).toBe(10);
    expect(quantileFromBuckets(h, 0.95)).toBe(10_000);
  });

  it("agrees on the combined window whether minutes are added first or latencies pooled", () => {
    const rand = seeded(42);
    const minutes = Array.from({ length: 5 }, (_, m) => Array.from({ length: 200 + m * 50 }, () => rand() * (m + 1) * 100));
    const summed = minutes.map(histogram).reduce(addBuckets);
    expect(summed).toEqual(histogram(minutes.flat()));
    for (const q of [0.5, 0.95]) expect(quantileFromBuckets(summed, q)).toBe(boundOf(nearestRank(minutes.flat(), q)));
  });
});

describe("addBuckets", () => {
  it("adds slot by slot and pads the shorter histogram with zeros", () => {
    expect(addBuckets([1, 2, 3], [10, 20])).toEqual([11, 22, 3]);
    expect(addBuckets([], [4, 5])).toEqual([4, 5]);
    expect(addBuckets([], [])).toEqual([]);
  });
});
