// Drift statistics, the engine of drift reports: pure functions over in-memory columns (no database,
// no Redis, no I/O). Reading the logged inputs, the report job and the API build on these:
//
//   computeDrift({ reference, current, thresholds })  every reference column → { rows, datasetDrift, features }
//   computeColumnDrift({ name, reference, current })   one column (the model's first output, "prediction")
//   driftThresholdsSchema                               per-endpoint thresholds, Evidently's defaults
//   driftResultSchema / featureDriftSchema              the answer's shape, to parse stored reports
//
// Columns are plain arrays (number | string | null | undefined), Float64Array (NaN = missing) or
// dictionary codes ({codes: Int32Array, labels}); typed ones skip per-value work on a million rows.
// Every figure follows the README's "Drift statistics" section, so scipy reproduces it.
export { computeDrift, type DriftColumns, type DriftOptions } from "./compute-drift";
export { computeColumnDrift, type ColumnDriftOptions } from "./compute-column-drift";
export type { DictionaryColumn, DriftColumn, DriftValue } from "./drift-column";
export { DEFAULT_DRIFT_THRESHOLDS, driftThresholdsSchema, type DriftThresholds, type DriftThresholdsInput } from "./drift-thresholds";
export {
  DRIFT_METHODS, FEATURE_KINDS, driftResultSchema, featureDriftSchema,
  type DriftMethod, type DriftResult, type FeatureDrift, type FeatureKind,
} from "./drift-result";
