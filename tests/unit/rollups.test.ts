// Latency histograms as the ingest consumer writes them, and the quantiles read back from them: within
// the stated error bound of the exact nearest-rank quantiles, on 100,000 random latencies of several shapes.
import { describe, expect, it } from "vitest";
import {
  addBuckets, addToLayout, bucketOf, emptyHistogram, LATENCY_BUCKETS_MS, LATENCY_SLOTS, LAYOUT_BOUNDS, LAYOUT_COARSE, LAYOUT_LOG_LINEAR,
  MAX_BOUND_MS, MIN_BOUND_MS, quantileFromBuckets, quantileOfLayouts, RELATIVE_ERROR_BOUND, type LayoutHistograms,
} from "@/lib/serving/shared/rollups";
import { seeded } from "./fixtures";

function histogram(latencies: number[], bounds: readonly number[] = LATENCY_BUCKETS_MS): number[] {
  const h = new Array(bounds.length + 1).fill(0);
  for (const ms of latencies) h[bucketOf(ms, bounds)]++;
  return h;
}

/** The exact q-quantile by the nearest-rank rule: the ceil(q·n)-th smallest value. */
function nearestRank(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

/** The documented bound: 2.93% of the exact value above 0.1 ms, 0.1 ms below. */
const allowedError = (exact: number) => Math.max(RELATIVE_ERROR_BOUND * exact, MIN_BOUND_MS);

describe("the log-linear layout", () => {
  it("runs from 0.1 ms to 60 s in buckets at most 2.93% wide, in a few hundred slots", () => {
    expect(RELATIVE_ERROR_BOUND).toBeCloseTo(0.0293, 4);
    expect(LATENCY_BUCKETS_MS[0]).toBe(0.1);
    expect(LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]).toBe(60_000);
    expect(LATENCY_SLOTS).toBe(463);
    for (let i = 1; i < LATENCY_BUCKETS_MS.length; i++) {
      const width = LATENCY_BUCKETS_MS[i] / LATENCY_BUCKETS_MS[i - 1] - 1;
      expect(width).toBeGreaterThan(0);
      expect(width).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND + 1e-12);
    }
  });

  it("puts a latency in the first bucket whose upper bound holds it (bounds inclusive), anything past 60 s in the overflow", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.1)).toBe(0);
    expect(bucketOf(0.1001)).toBe(1);
    expect(bucketOf(-3)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    const rand = seeded(3);
    for (let k = 0; k < 2_000; k++) {
      const ms = 0.1 * 600_000 ** rand();
      const i = bucketOf(ms);
      expect(ms).toBeLessThanOrEqual(LATENCY_BUCKETS_MS[i]);
      expect(ms).toBeGreaterThan(LATENCY_BUCKETS_MS[i - 1]);
    }
    for (const b of [1, 7, 100, 461]) expect(bucketOf(LATENCY_BUCKETS_MS[b])).toBe(b);
    expect(bucketOf(MAX_BOUND_MS)).toBe(LATENCY_SLOTS - 2);
    expect(bucketOf(60_000.01)).toBe(LATENCY_SLOTS - 1);
    expect(bucketOf(3_600_000)).toBe(LATENCY_SLOTS - 1);
  });
});

describe("quantileFromBuckets", () => {
  it("has no quantile without traffic", () => {
    expect(quantileFromBuckets([], 0.95)).toBeNull();
    expect(quantileFromBuckets(emptyHistogram(), 0.5)).toBeNull();
    expect(quantileOfLayouts(new Map(), 0.5)).toBeNull();
  });

  it("is within the stated bound of the exact p50/p95/p99 on 100,000 random latencies of each shape", () => {
    const rand = seeded(6);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const shapes: Record<string, () => number> = {
      lognormal: () => Math.exp(Math.log(12) + 0.8 * normal()),
      bimodal: () => (rand() < 0.85 ? 3 + rand() * 4 : 250 + rand() * 500),
      uniform: () => rand() * 300,
      "sub-millisecond": () => 0.05 + rand() * 0.4,
      "heavy tail": () => 1 / Math.max(rand(), 1e-5),
    };
    for (const [label, draw] of Object.entries(shapes)) {
      const latencies = Array.from({ length: 100_000 }, draw);
      const sorted = [...latencies].sort((a, b) => a - b);
      const h = histogram(latencies);
      for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
        const exact = nearestRank(sorted, q);
        const read = quantileFromBuckets(h, q)!;
        expect(Math.abs(read - exact), `${label} q=${q}: read ${read}, exact ${exact}`).toBeLessThanOrEqual(allowedError(exact));
      }
    }
  });

  it("no longer snaps to a few fixed values: a p95 of 37 ms reads as about 37 ms, not 50", () => {
    const rand = seeded(9);
    const latencies = Array.from({ length: 10_000 }, () => 30 + rand() * 7.5); // uniform 30–37.5 ms
    const p95 = quantileFromBuckets(histogram(latencies), 0.95)!;
    expect(p95).toBeGreaterThan(36.5);
    expect(p95).toBeLessThan(37.5);
  });

  it("reads the edge cases: all at 0 ms, a quantile past 60 s (a floor), one request", () => {
    const zeros = histogram(new Array(1_000).fill(0));
    expect(quantileFromBuckets(zeros, 0.5)).toBeGreaterThanOrEqual(0);
    expect(quantileFromBuckets(zeros, 0.99)).toBeLessThanOrEqual(0.1);
    const slow = histogram([...new Array(90).fill(10), ...new Array(10).fill(120_000)]);
    expect(Math.abs(quantileFromBuckets(slow, 0.9)! - 10)).toBeLessThanOrEqual(allowedError(10));
    expect(quantileFromBuckets(slow, 0.95)).toBe(60_000);
    expect(quantileFromBuckets(slow, 1)).toBe(60_000);
    const one = histogram([42]);
    for (const q of [0, 0.5, 1]) expect(Math.abs(quantileFromBuckets(one, q)! - 42)).toBeLessThanOrEqual(allowedError(42));
  });

  it("agrees on the combined window whether minutes are added first or latencies pooled", () => {
    const rand = seeded(42);
    const minutes = Array.from({ length: 5 }, (_, m) => Array.from({ length: 2_000 + m * 500 }, () => rand() * (m + 1) * 100));
    const summed = minutes.map((m) => histogram(m)).reduce(addBuckets);
    expect(summed).toEqual(histogram(minutes.flat()));
    const sorted = minutes.flat().sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) expect(Math.abs(quantileFromBuckets(summed, q)! - nearestRank(sorted, q))).toBeLessThanOrEqual(allowedError(nearestRank(sorted, q)));
  });
});

describe("rows of the coarse layout written before the log-linear one", () => {
  const coarse = LAYOUT_BOUNDS[LAYOUT_COARSE];

  it("are read with their own bounds, interpolated", () => {
    const h = histogram(new Array(100).fill(30), coarse); // all in (25, 50]
    const p50 = quantileFromBuckets(h, 0.5, LAYOUT_COARSE)!;
    expect(p50).toBeGreaterThan(25);
    expect(p50).toBeLessThanOrEqual(50);
  });

  it("are never added slot by slot to log-linear rows: a mixed window reads each with its own bounds", () => {
    const acc: LayoutHistograms = new Map();
    addToLayout(acc, LAYOUT_COARSE, histogram(new Array(500).fill(3), coarse)); // (2, 5]
    addToLayout(acc, LAYOUT_LOG_LINEAR, histogram(new Array(500).fill(400))); // log-linear, at 400 ms
    expect(acc.get(LAYOUT_COARSE)).toHaveLength(coarse.length + 1);
    expect(acc.get(LAYOUT_LOG_LINEAR)).toHaveLength(LATENCY_SLOTS);
    const p25 = quantileOfLayouts(acc, 0.25)!;
    expect(p25).toBeGreaterThan(2);
    expect(p25).toBeLessThanOrEqual(5);
    for (const q of [0.75, 0.99]) expect(Math.abs(quantileOfLayouts(acc, q)! - 400)).toBeLessThanOrEqual(allowedError(400));
    // with one layout in the window, it is exactly the single-layout reading
    const only: LayoutHistograms = new Map([[LAYOUT_LOG_LINEAR, histogram([5, 6, 7, 80])]]);
    expect(quantileOfLayouts(only, 0.5)).toBe(quantileFromBuckets(only.get(LAYOUT_LOG_LINEAR)!, 0.5));
  });
});

describe("addBuckets", () => {
  it("adds slot by slot and pads the shorter histogram with zeros", () => {
    expect(addBuckets([1, 2, 3], [10, 20])).toEqual([11, 22, 3]);
    expect(addBuckets([], [4, 5])).toEqual([4, 5]);
    expect(addBuckets([], [])).toEqual([]);
  });
});
