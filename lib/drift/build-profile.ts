// A version's reference profile: the distribution of each input feature in its training or
// reference data, kept with the version so drift reports can compare live inputs against it.
export type NumericProfile = { kind: "numeric"; count: number; mean: number; std: number; min: number; max: number; edges: number[]; counts: number[] };
export type CategoricalProfile = { kind: "categorical"; count: number; frequencies: Record<string, number> };
export type ReferenceProfile = { rows: number; features: Record<string, NumericProfile | CategoricalProfile> };

const BINS = 10;

export function buildProfile(columns: Record<string, (number | string)[]>): ReferenceProfile {
  const features: ReferenceProfile["features"] = {};
  let rows = 0;
  for (const [name, values] of Object.entries(columns)) {
    rows = Math.max(rows, values.length);
    features[name] = values.every((v) => typeof v === "number") ? numericProfile(values as number[]) : categoricalProfile(values.map(String));
  }
  return { rows, features };
}

function numericProfile(xs: number[]): NumericProfile {
  const sorted = Float64Array.from(xs).sort(); // a typed array sorts numerically, without a comparator
  const n = sorted.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  // quantile edges, deduplicated: discrete columns get fewer, wider bins
  const edges = [...new Set(Array.from({ length: BINS - 1 }, (_, i) => sorted[Math.floor(((i + 1) * n) / BINS)]))];
  const counts = new Array(edges.length + 1).fill(0);
  for (const x of xs) {
    let b = 0;
    while (b < edges.length && x >= edges[b]) b++;
    counts[b]++;
  }
  return { kind: "numeric", count: n, mean, std, min: sorted[0], max: sorted[n - 1], edges, counts };
}

function categoricalProfile(xs: string[]): CategoricalProfile {
  const frequencies: Record<string, number> = {};
  for (const x of xs) frequencies[x] = (frequencies[x] ?? 0) + 1;
  return { kind: "categorical", count: xs.length, frequencies };
}

export function rowsToColumns(rows: Record<string, number | string>[]): Record<string, (number | string)[]> {
  const cols: Record<string, (number | string)[]> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r)) (cols[k] ??= []).push(v);
  return cols;
}
