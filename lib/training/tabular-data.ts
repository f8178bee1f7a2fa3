// Turns CSV records into typed feature rows, fits the preprocessing spec on training rows
// and encodes rows exactly as the ONNX graph does (standardise numbers, one-hot categories).
import type { FeatureSpec } from "../onnx/tabular-model";
import { encodedWidth } from "../onnx/tabular-model";
import { seededRandom, shuffledIndices } from "./random";

export type FeatureValue = number | string;
export type FeatureRow = Record<string, FeatureValue>;
export type TabularData = { rows: FeatureRow[]; labels: number[]; numeric: string[]; categorical: string[] };

export function toTabular(records: Record<string, string>[], opts: { target: string; positive: string; numeric: string[] }): TabularData {
  if (!records.length) throw new Error("no rows");
  const columns = Object.keys(records[0]).filter((c) => c !== opts.target);
  if (!(opts.target in records[0])) throw new Error(`target column "${opts.target}" not found`);
  const numeric = columns.filter((c) => opts.numeric.includes(c));
  const categorical = columns.filter((c) => !opts.numeric.includes(c));
  const rows = records.map((r) => {
    const row: FeatureRow = {};
    for (const c of numeric) {
      const v = Number(r[c]);
      if (!Number.isFinite(v)) throw new Error(`column "${c}" has a non-numeric value "${r[c]}"`);
      row[c] = v;
    }
    for (const c of categorical) row[c] = r[c];
    return row;
  });
  return { rows, labels: records.map((r) => (r[opts.target] === opts.positive ? 1 : 0)), numeric, categorical };
}

export function splitTrainTest(data: TabularData, testShare: number, seed: number) {
  const idx = shuffledIndices(data.rows.length, seededRandom(seed));
  const cut = Math.round(idx.length * (1 - testShare));
  const pick = (ids: number[]): TabularData => ({ ...data, rows: ids.map((i) => data.rows[i]), labels: ids.map((i) => data.labels[i]) });
  return { train: pick(idx.slice(0, cut)), test: pick(idx.slice(cut)) };
}

export function fitFeatureSpec(data: TabularData): FeatureSpec {
  return {
    numeric: data.numeric.map((name) => {
      const xs = data.rows.map((r) => r[name] as number);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
      return { name, mean, std };
    }),
    categorical: data.categorical.map((name) => ({ name, categories: [...new Set(data.rows.map((r) => String(r[name])))].sort() })),
  };
}

/** Row-major [rows x encodedWidth] matrix. */
export function encodeRows(spec: FeatureSpec, rows: FeatureRow[]): Float64Array {
  const width = encodedWidth(spec);
  const out = new Float64Array(rows.length * width);
  const catIndex = spec.categorical.map((c) => new Map(c.categories.map((v, i) => [v, i])));
  rows.forEach((row, r) => {
    let o = r * width;
    for (const f of spec.numeric) out[o++] = ((row[f.name] as number) - f.mean) / f.std;
    spec.categorical.forEach((c, ci) => {
      const k = catIndex[ci].get(String(row[c.name]));
      if (k !== undefined) out[o + k] = 1;
      o += c.categories.length;
    });
  });
  return out;
}
