// The shape of a drift computation: what a report stores and the API answers (issue 10's
// `rows`, `datasetDrift`, `features[]`). Schemas so a stored report's JSON is parsed on read.
import { z } from "zod";

export const FEATURE_KINDS = ["numeric", "categorical"] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/**
 * The test that decided `drifted`: `ks` / `chisquare` (p-value, small reference) or `wasserstein` /
 * `jensenshannon` (distance, larger reference). Numeric columns use the first of each pair.
 */
export const DRIFT_METHODS = ["ks", "chisquare", "wasserstein", "jensenshannon"] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

const stat = z.number().nullable();

export const featureDriftSchema = z.object({
  name: z.string(),
  kind: z.enum(FEATURE_KINDS),
  method: z.enum(DRIFT_METHODS),
  /** numeric: the two-sample Kolmogorov–Smirnov D; categorical: Pearson's chi² */
  statistic: stat,
  pValue: stat,
  psi: stat,
  jsDistance: stat,
  /** numeric only: Wasserstein distance / the reference's population std */
  wasserstein: stat,
  /** missing values in the current data / current rows; null when there are no current rows */
  missingShare: stat,
  drifted: z.boolean(),
});
export type FeatureDrift = z.infer<typeof featureDriftSchema>;

export const driftResultSchema = z.object({
  rows: z.object({ reference: z.number().int().min(0), current: z.number().int().min(0) }),
  /** share: drifted columns / tested columns (null when no column could be tested) */
  datasetDrift: z.object({ share: stat, drifted: z.boolean() }),
  features: z.array(featureDriftSchema),
});
export type DriftResult = z.infer<typeof driftResultSchema>;
