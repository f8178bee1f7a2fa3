// A drift report's result from the two data sets in memory: the statistics of every input column
// (computeDrift), the same for the model's first output when the reference data holds that column,
// and the histograms the report page draws. Pure: the report process reads the data and calls this.
import { z } from "zod";
import { computeColumnDrift, computeDrift, driftResultSchema, featureDriftSchema, type DictionaryColumn, type DriftThresholdsInput } from "./index";
import { categoricalHistogram, featureHistogramSchema, numericHistogram, type FeatureHistogram } from "./feature-histograms";

/** A column as both readers hand it over: numbers (NaN = missing) or dictionary codes (-1 = missing). */
export type TypedColumn = Float64Array | DictionaryColumn;

export const driftReportResultSchema = driftResultSchema.extend({
  prediction: featureDriftSchema.nullable(),
  /** why `prediction` is null, or anything else a reader should know (an empty window) */
  notes: z.array(z.string()),
  histograms: z.record(z.string(), featureHistogramSchema),
});
export type DriftReportResult = z.infer<typeof driftReportResultSchema>;

export function buildDriftReport(opts: {
  /** the model inputs' reference columns: the features */
  reference: Record<string, TypedColumn>;
  /** columns of the model's outputs the reference data holds (its predictions), if any */
  referenceOutputs?: Record<string, TypedColumn>;
  current: Record<string, TypedColumn>;
  currentRows: number;
  /** the model's first output: its name and the window's values */
  prediction: { name: string; column: TypedColumn } | null;
  thresholds?: DriftThresholdsInput;
}): DriftReportResult {
  const notes: string[] = [];
  const drift = computeDrift({ reference: opts.reference, current: opts.current, thresholds: opts.thresholds });
  // computeDrift counts the longest column; a window whose rows lack every input still has its rows
  drift.rows.current = Math.max(drift.rows.current, opts.currentRows);
  if (opts.currentRows === 0) notes.push("the window holds no logged predictions: no statistics are computed");

  let prediction: DriftReportResult["prediction"] = null;
  const histograms: Record<string, FeatureHistogram> = {};
  for (const name of Object.keys(opts.reference)) histograms[name] = histogramOf(opts.reference[name], opts.current[name]);
  if (opts.prediction) {
    const ref = opts.referenceOutputs?.[opts.prediction.name];
    if (ref && hasValues(ref)) {
      prediction = computeColumnDrift({ name: opts.prediction.name, reference: ref, current: opts.prediction.column, thresholds: opts.thresholds, currentRows: opts.currentRows });
      histograms[opts.prediction.name] = histogramOf(ref, opts.prediction.column);
    } else {
      notes.push(`the reference data has no values of "${opts.prediction.name}" (the model's first output): add that column to the reference data to compare predictions`);
    }
  } else if (opts.currentRows > 0) {
    notes.push("the logged answers hold no output to compare");
  }
  return { ...drift, prediction, notes, histograms };
}

function histogramOf(reference: TypedColumn, current: TypedColumn | undefined): FeatureHistogram {
  if (reference instanceof Float64Array && (current === undefined || current instanceof Float64Array)) {
    return numericHistogram(reference, current ?? new Float64Array(0));
  }
  return categoricalHistogram(countLabels(reference), current ? countLabels(current) : new Map());
}

function countLabels(column: TypedColumn): Map<string, number> {
  const out = new Map<string, number>();
  if (column instanceof Float64Array) {
    for (let i = 0; i < column.length; i++) { const x = column[i]; if (x === x) { const k = String(x); out.set(k, (out.get(k) ?? 0) + 1); } }
    return out;
  }
  const counts = new Array<number>(column.labels.length).fill(0);
  for (let i = 0; i < column.codes.length; i++) if (column.codes[i] >= 0) counts[column.codes[i]]++;
  column.labels.forEach((l, i) => { if (counts[i]) { const k = String(l); out.set(k, (out.get(k) ?? 0) + counts[i]); } });
  return out;
}

function hasValues(column: TypedColumn): boolean {
  if (column instanceof Float64Array) return column.some((x) => x === x);
  return column.codes.some((c) => c >= 0);
}
