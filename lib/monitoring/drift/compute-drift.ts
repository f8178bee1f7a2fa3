// A data set's drift: every reference column against the current data, and the data set's verdict.
import { AppError } from "../../errors";
import { computeColumnDrift } from "./compute-column-drift";
import { columnLength, type DriftColumn } from "./drift-column";
import type { DriftResult, FeatureDrift } from "./drift-result";
import type { DriftThresholdsInput } from "./drift-thresholds";
import { parseThresholds } from "./parse-thresholds";

export type DriftColumns = Record<string, DriftColumn | undefined>;

export type DriftOptions = {
  /** the version's reference data, column-wise; its columns are the features compared */
  reference: DriftColumns;
  /** the window's data, column-wise; columns the reference lacks are ignored */
  current: DriftColumns;
  thresholds?: DriftThresholdsInput;
};

/**
 * `rows` counts each side's rows (its longest column). A column the current data lacks is all
 * missing. `datasetDrift.share` is drifted columns / tested columns (those with statistics), null when
 * none could be tested (e.g. no current rows); `drifted` when share ≥ thresholds.datasetShare.
 * Features come most drifted first: drifted before not, then by PSI (comparable across both kinds),
 * largest first, untested ones last, ties by name.
 */
export function computeDrift(options: DriftOptions): DriftResult {
  const thresholds = parseThresholds(options.thresholds);
  for (const side of ["reference", "current"] as const) {
    const cols = options[side];
    if (cols === null || typeof cols !== "object" || Array.isArray(cols)) throw new AppError("bad_request", `${side} must be an object of columns`, { field: side });
  }
  const rows = {
    reference: longest(options.reference, "reference"),
    current: longest(options.current, "current"),
  };
  const features = Object.keys(options.reference).map((name) =>
    computeColumnDrift({ name, reference: options.reference[name], current: options.current[name], thresholds, currentRows: rows.current }),
  );
  const tested = features.filter((f) => f.statistic !== null);
  const share = tested.length === 0 ? null : tested.filter((f) => f.drifted).length / tested.length;
  return {
    rows,
    datasetDrift: { share, drifted: share !== null && share >= thresholds.datasetShare },
    features: features.sort(byDrift),
  };
}

function longest(columns: DriftColumns, side: string): number {
  let rows = 0;
  for (const [name, col] of Object.entries(columns)) rows = Math.max(rows, columnLength(col, `${side}.${name}`));
  return rows;
}

function byDrift(a: FeatureDrift, b: FeatureDrift): number {
  if (a.drifted !== b.drifted) return a.drifted ? -1 : 1;
  if (a.psi !== b.psi) {
    if (a.psi === null) return 1;
    if (b.psi === null) return -1;
    return b.psi - a.psi;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
