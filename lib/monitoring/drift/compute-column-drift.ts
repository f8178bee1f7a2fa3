// One column's drift: its kind from the reference, the statistics of that kind, and whether it
// drifted by the threshold that applies. computeDrift runs this per feature; a report runs it once
// more for the model's first output ("prediction").
import { compareCategories } from "./categorical-drift";
import { columnLength, countCategories, readNumbers, type DriftColumn } from "./drift-column";
import type { DriftMethod, FeatureDrift, FeatureKind } from "./drift-result";
import type { DriftThresholdsInput } from "./drift-thresholds";
import { compareNumeric, distinctUpTo } from "./numeric-drift";
import { parseThresholds } from "./parse-thresholds";
import { sortFloat64 } from "./sort-float64";

/** More distinct reference numbers than this make a column numeric. */
export const NUMERIC_MIN_DISTINCT = 6;

export type ColumnDriftOptions = {
  name: string;
  /** absent (undefined) means every value is missing */
  reference: DriftColumn | undefined;
  current: DriftColumn | undefined;
  thresholds?: DriftThresholdsInput;
  /** the current data's row count, when the column may be shorter (its missing tail); default its length */
  currentRows?: number;
};

/**
 * Kind: numeric when every present reference value is a number and there are more than 5 distinct
 * ones; otherwise categorical, numbers then being labels (`String(n)`). Missing values are left out of
 * every statistic and counted in `missingShare` (of the current rows). In a numeric column, a current
 * value that is not a number counts as missing. When either side has no value to compare (no current
 * rows, a column missing throughout), nothing is invented: every statistic is null and `drifted` false.
 */
export function computeColumnDrift(options: ColumnDriftOptions): FeatureDrift {
  const { name } = options;
  const thresholds = parseThresholds(options.thresholds);
  columnLength(options.reference, `reference.${name}`);
  const currentRows = Math.max(options.currentRows ?? 0, columnLength(options.current, `current.${name}`));
  const missingShare = (present: number) => (currentRows === 0 ? null : (currentRows - present) / currentRows);

  const refNumbers = readNumbers(options.reference, true);
  const sortedRef = refNumbers.others === 0 && refNumbers.values.length >= NUMERIC_MIN_DISTINCT ? sortFloat64(refNumbers.values) : null;
  if (sortedRef && distinctUpTo(sortedRef, NUMERIC_MIN_DISTINCT) >= NUMERIC_MIN_DISTINCT) {
    const n = sortedRef.length;
    const method: DriftMethod = n <= thresholds.smallReferenceRows ? "ks" : "wasserstein";
    const cur = readNumbers(options.current).values;
    if (cur.length === 0) return untested(name, "numeric", method, missingShare(0));
    const s = compareNumeric(sortedRef, sortFloat64(cur));
    const drifted = method === "ks" ? s.pValue < thresholds.ksPValue : s.wasserstein >= thresholds.wasserstein;
    return { name, kind: "numeric", method, ...s, missingShare: missingShare(cur.length), drifted };
  }

  const refCounts = countCategories(options.reference);
  const curCounts = countCategories(options.current);
  const n = total(refCounts);
  const m = total(curCounts);
  const method: DriftMethod = n <= thresholds.smallReferenceRows ? "chisquare" : "jensenshannon";
  if (n === 0 || m === 0) return untested(name, "categorical", method, missingShare(m));
  const s = compareCategories(refCounts, curCounts);
  const drifted = method === "chisquare" ? s.pValue < thresholds.chiSquarePValue : s.jsDistance >= thresholds.jsDistance;
  return { name, kind: "categorical", method, ...s, wasserstein: null, missingShare: missingShare(m), drifted };
}

function total(counts: Map<string, number>): number {
  let t = 0;
  for (const c of counts.values()) t += c;
  return t;
}

function untested(name: string, kind: FeatureKind, method: DriftMethod, missingShare: number | null): FeatureDrift {
  return { name, kind, method, statistic: null, pValue: null, psi: null, jsDistance: null, wasserstein: null, missingShare, drifted: false };
}
