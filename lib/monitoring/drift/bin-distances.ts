// The two distances between binned distributions that both column kinds report.
import { numpySum } from "./numpy-sum";

/** A bin's share of 0 becomes this in PSI (only there), so ln(cur/ref) stays finite. */
export const PSI_EMPTY_SHARE = 0.0001;

/** PSI = Σ (cur − ref) · ln(cur / ref) over the bins' shares, a share of 0 replaced by 0.0001. */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array): number {
  const terms = new Float64Array(reference.length);
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] === 0 ? PSI_EMPTY_SHARE : reference[i];
    const c = current[i] === 0 ? PSI_EMPTY_SHARE : current[i];
    terms[i] = (c - r) * Math.log(c / r);
  }
  return numpySum(terms);
}

/**
 * `scipy.spatial.distance.jensenshannon(reference, current, base=2)`, step for step: both renormalised,
 * m = (p+q)/2, rel_entr summed per side, / ln 2, √(js/2). A sum that rounds below 0 (distributions
 * equal to the last bit but for rounding) gives 0 rather than scipy's NaN.
 */
export function jensenShannonDistance(reference: Float64Array, current: Float64Array): number {
  const k = reference.length;
  const ps = numpySum(reference);
  const qs = numpySum(current);
  const left = new Float64Array(k);
  const right = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const p = reference[i] / ps;
    const q = current[i] / qs;
    const m = (p + q) / 2;
    left[i] = relativeEntropy(p, m);
    right[i] = relativeEntropy(q, m);
  }
  const js = (numpySum(left) + numpySum(right)) / Math.LN2;
  return Math.sqrt(Math.max(0, js / 2));
}

/** `scipy.special.rel_entr`: x·ln(x/y), 0 when x is 0. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** count / total per bin. */
export function shares(counts: Float64Array, total: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}
