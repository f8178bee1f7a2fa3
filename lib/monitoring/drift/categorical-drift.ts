// The statistics of a categorical column from its category counts on both sides.
import { jensenShannonDistance, populationStabilityIndex, shares } from "./bin-distances";
import { numpySum } from "./numpy-sum";
import { chiSquareSf } from "./special-functions";

export type CategoricalStatistics = { statistic: number; pValue: number; psi: number; jsDistance: number };

/**
 * Over the union of categories (one bin each): `scipy.stats.chi2_contingency([ref, cur],
 * correction=False)` — expected = row total · column total / total, χ² = Σ (observed − expected)² /
 * expected, dof = k − 1, p = chi2.sf(χ², dof) — and PSI and Jensen–Shannon on the shares.
 * One category (k = 1, dof 0) is scipy's degenerate case: χ² = 0, p = 1.
 * Both sides must have at least one value.
 */
export function compareCategories(reference: Map<string, number>, current: Map<string, number>): CategoricalStatistics {
  // labels in code-unit order: the sums then run in one order whatever the column's form or row order
  const labels = [...new Set([...reference.keys(), ...current.keys()])].sort();
  const k = labels.length;
  const ref = new Float64Array(k);
  const cur = new Float64Array(k);
  let i = 0;
  for (const l of labels) {
    ref[i] = reference.get(l) ?? 0;
    cur[i] = current.get(l) ?? 0;
    i++;
  }
  const n = numpySum(ref);
  const m = numpySum(cur);
  const refShares = shares(ref, n);
  const curShares = shares(cur, m);
  const { statistic, pValue } = k === 1 ? { statistic: 0, pValue: 1 } : chiSquareContingency(ref, cur, n, m);
  return { statistic, pValue, psi: populationStabilityIndex(refShares, curShares), jsDistance: jensenShannonDistance(refShares, curShares) };
}

function chiSquareContingency(ref: Float64Array, cur: Float64Array, n: number, m: number): { statistic: number; pValue: number } {
  const k = ref.length;
  const total = n + m;
  // terms in the table's C order, row 0 (reference) then row 1, summed as numpy sums them
  const terms = new Float64Array(2 * k);
  for (let j = 0; j < k; j++) {
    const column = ref[j] + cur[j];
    const e0 = (n * column) / total;
    const e1 = (m * column) / total;
    terms[j] = ((ref[j] - e0) * (ref[j] - e0)) / e0;
    terms[k + j] = ((cur[j] - e1) * (cur[j] - e1)) / e1;
  }
  const statistic = numpySum(terms);
  return { statistic, pValue: chiSquareSf(statistic, k - 1) };
}
