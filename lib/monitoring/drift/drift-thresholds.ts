// When a column counts as drifted: Evidently's defaults, overridable per endpoint. The API and the
// endpoint settings parse with this schema, so a missing setting means the default below.
import { z } from "zod";

export const driftThresholdsSchema = z.object({
  smallReferenceRows: z.number().int().min(0).max(1_000_000_000).default(1000)
    .describe("a column with at most this many reference values is judged by a test's p-value (KS, chi²); one with more by a distance (Wasserstein, Jensen–Shannon)"),
  ksPValue: z.number().gt(0).max(1).default(0.05)
    .describe("numeric column, small reference: drifted when the KS p-value is below this"),
  chiSquarePValue: z.number().gt(0).max(1).default(0.05)
    .describe("categorical column, small reference: drifted when the chi² p-value is below this"),
  wasserstein: z.number().min(0).default(0.1)
    .describe("numeric column, large reference: drifted when the Wasserstein distance over the reference's standard deviation is at least this"),
  jsDistance: z.number().min(0).max(1).default(0.1)
    .describe("categorical column, large reference: drifted when the Jensen–Shannon distance (base 2) is at least this"),
  datasetShare: z.number().gt(0).max(1).default(0.5)
    .describe("the data set has drifted when at least this share of its tested columns has"),
});

/** What callers pass: any subset of the settings. */
export type DriftThresholdsInput = z.input<typeof driftThresholdsSchema>;
export type DriftThresholds = z.output<typeof driftThresholdsSchema>;

export const DEFAULT_DRIFT_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze(driftThresholdsSchema.parse({}));
