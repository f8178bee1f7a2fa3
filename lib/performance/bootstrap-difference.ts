// The A/B verdict: metric(b) − metric(a) with a 95% percentile-bootstrap interval over requests.
// Each resample draws as many requests as were labelled in either variant, uniformly with replacement
// from their union (mulberry32, seeded: the same data and seed give the same interval); each variant's
// metric is computed on its predictions of the drawn requests. Split traffic (a request is in one
// variant) and shadow copies (a request is in both, so the draw is paired) are handled by the one rule.
// Resamples where either metric is undefined (a variant drew no request, or one class only for AUC) are
// skipped and counted. The interval is numpy.percentile(differences, [2.5, 97.5]) (linear interpolation).
import { seededRandom } from "../training/random";
import { METRIC_FNS, type Metric, type Sample } from "./compute-metrics";

export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_SEED = 20_261_130;

export type Side = { sample: Sample; requestIds: string[] };

export type Difference = {
  a: number | null; b: number | null; difference: number | null;
  low: number | null; high: number | null; significant: boolean;
  resamples: number; skipped: number;
};

/** numpy.percentile's default (linear) on sorted values. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function bootstrapDifference(opts: { a: Side; b: Side; metric: Metric; resamples?: number; seed?: number }): Promise<Difference> {
  const f = METRIC_FNS[opts.metric];
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const pointA = f(opts.a.sample), pointB = f(opts.b.sample);
  const difference = pointA === null || pointB === null ? null : pointB - pointA;
  // requests, numbered over the union; each side maps its predictions to them
  const index = new Map<string, number>();
  const number = (ids: string[]) => Int32Array.from(ids, (id) => index.get(id) ?? index.set(id, index.size).get(id)!);
  const reqA = number(opts.a.requestIds), reqB = number(opts.b.requestIds);
  const n = index.size;
  const counts = new Uint32Array(n);
  const wA = new Float64Array(reqA.length), wB = new Float64Array(reqB.length);
  const rand = seededRandom(opts.seed ?? BOOTSTRAP_SEED);
  const diffs: number[] = [];
  let skipped = 0;
  if (difference !== null) {
    for (let r = 0; r < resamples; r++) {
      counts.fill(0);
      for (let k = 0; k < n; k++) counts[Math.floor(rand() * n)]++;
      for (let i = 0; i < reqA.length; i++) wA[i] = counts[reqA[i]];
      for (let i = 0; i < reqB.length; i++) wB[i] = counts[reqB[i]];
      const x = f(opts.a.sample, wA), y = f(opts.b.sample, wB);
      if (x === null || y === null) skipped++;
      else diffs.push(y - x);
      // a large sample takes a while: let the web serve other requests between resamples
      if (r % 25 === 24) await yieldToLoop();
    }
  }
  // an interval from fewer than half the resamples would say more than the data can
  if (diffs.length < resamples / 2) return { a: pointA, b: pointB, difference, low: null, high: null, significant: false, resamples: diffs.length, skipped };
  const sorted = Float64Array.from(diffs).sort();
  const low = percentile(sorted, 2.5), high = percentile(sorted, 97.5);
  return { a: pointA, b: pointB, difference, low, high, significant: low > 0 || high < 0, resamples: diffs.length, skipped };
}
