// The statistics of a numeric column, from both sides' values sorted once: one merge pass gives the
// KS D and the Wasserstein integral, the PSI bins are binary searches, so a million current values
// cost one sort and a linear pass (scipy sorts each side again for every statistic).
import { jensenShannonDistance, populationStabilityIndex, shares } from "./bin-distances";
import { CompensatedSum, numpySum } from "./numpy-sum";
import { kolmogorovSf } from "./special-functions";

export type NumericStatistics = { statistic: number; pValue: number; wasserstein: number; psi: number; jsDistance: number };

/** The deciles whose distinct values are the numeric PSI bins' edges. */
const PSI_QUANTILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Both arrays sorted ascending, finite, non-empty. */
export function compareNumeric(reference: Float64Array, current: Float64Array): NumericStatistics {
  const n = reference.length;
  const m = current.length;
  const { d, area } = cdfDifferences(reference, current);
  // scipy.special.kolmogorov(sqrt(n·m/(n+m))·D), the order of operations as written
  const pValue = kolmogorovSf(Math.sqrt((n * m) / (n + m)) * d);
  const std = populationStd(reference);
  const edges = quantileEdges(reference);
  const refShares = shares(binCounts(reference, edges), n);
  const curShares = shares(binCounts(current, edges), m);
  return {
    statistic: d,
    pValue,
    wasserstein: std > 0 ? area / std : area,
    psi: populationStabilityIndex(refShares, curShares),
    jsDistance: jensenShannonDistance(refShares, curShares),
  };
}

/**
 * One merge over the union of values. At each distinct value v the two empirical CDFs are
 * F(v) = i/n and G(v) = j/m (counting values ≤ v, as scipy's searchsorted side="right"):
 * KS D = max |F − G| (`ks_2samp`), and Σ |F − G| · (next value − v) is `wasserstein_distance`.
 */
function cdfDifferences(ref: Float64Array, cur: Float64Array): { d: number; area: number } {
  const n = ref.length;
  const m = cur.length;
  let i = 0;
  let j = 0;
  let d = 0;
  const area = new CompensatedSum();
  let v = ref[0] < cur[0] ? ref[0] : cur[0];
  for (;;) {
    while (i < n && ref[i] <= v) i++;
    while (j < m && cur[j] <= v) j++;
    const diff = Math.abs(i / n - j / m);
    if (diff > d) d = diff;
    if (i === n && j === m) break;
    const next = i === n ? cur[j] : j === m ? ref[i] : ref[i] < cur[j] ? ref[i] : cur[j];
    area.add(diff * (next - v));
    v = next;
  }
  return { d, area: area.value() };
}

/** `numpy.std(x)`: √(Σ(x − mean)² / n), numpy's pairwise sums. */
export function populationStd(x: Float64Array): number {
  const n = x.length;
  const mean = numpySum(x) / n;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dev = x[i] - mean;
    sq[i] = dev * dev;
  }
  return Math.sqrt(numpySum(sq) / n);
}

/**
 * The distinct values of `numpy.quantile(sorted, [0.1, …, 0.9])` (method "linear"), computed as numpy
 * does to the last bit (index (n−1)·q, numpy's two-sided lerp): an edge one ulp off would move every
 * value equal to it into the next bin.
 */
export function quantileEdges(sorted: Float64Array): Float64Array {
  const n = sorted.length;
  const qs = PSI_QUANTILES.map((q) => {
    const vi = (n - 1) * q;
    const lo = Math.floor(vi);
    const gamma = vi - lo;
    const a = sorted[lo];
    const b = sorted[Math.min(lo + 1, n - 1)];
    const diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  });
  qs.sort((x, y) => x - y);
  const edges: number[] = [];
  for (const q of qs) if (edges.length === 0 || q !== edges[edges.length - 1]) edges.push(q);
  return Float64Array.from(edges);
}

/** Counts per bin `numpy.searchsorted(edges, x, side="right")` of sorted values: edges.length + 1 bins. */
export function binCounts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  let below = 0;
  for (let b = 0; b < edges.length; b++) {
    const upto = lowerBound(sorted, edges[b]);
    counts[b] = upto - below;
    below = upto;
  }
  counts[edges.length] = sorted.length - below;
  return counts;
}

/** The first index whose value is ≥ x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Distinct values of a sorted array, counting no further than `cap`. */
export function distinctUpTo(sorted: Float64Array, cap: number): number {
  let count = 0;
  for (let i = 0; i < sorted.length && count < cap; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  return count;
}
