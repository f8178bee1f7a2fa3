// What the report page draws for each column: the reference's and the window's distributions on the
// same bins, as shares. Numeric: 20 equal-width bins over both sides' range; categorical: the 12
// commonest categories of both sides together, the rest as "(other)". Missing values are left out.
import { z } from "zod";

export const HISTOGRAM_BINS = 20;
export const HISTOGRAM_CATEGORIES = 12;

export const featureHistogramSchema = z.union([
  z.object({ kind: z.literal("numeric"), edges: z.array(z.number()), reference: z.array(z.number()), current: z.array(z.number()) }),
  z.object({ kind: z.literal("categorical"), labels: z.array(z.string()), reference: z.array(z.number()), current: z.array(z.number()) }),
]);
export type FeatureHistogram = z.infer<typeof featureHistogramSchema>;

/** Numbers, NaN = missing. */
export function numericHistogram(reference: Float64Array, current: Float64Array): FeatureHistogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (const xs of [reference, current]) for (let i = 0; i < xs.length; i++) { const x = xs[i]; if (x === x) { if (x < lo) lo = x; if (x > hi) hi = x; } }
  if (lo === Infinity) return { kind: "numeric", edges: [], reference: [], current: [] };
  const width = hi > lo ? (hi - lo) / HISTOGRAM_BINS : 1;
  const bins = hi > lo ? HISTOGRAM_BINS : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const shares = (xs: Float64Array) => {
    const counts = new Array<number>(bins).fill(0);
    let n = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (x !== x) continue;
      counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
      n++;
    }
    return counts.map((c) => (n ? c / n : 0));
  };
  return { kind: "numeric", edges, reference: shares(reference), current: shares(current) };
}

/** Counts per label (missing left out) of each side. */
export function categoricalHistogram(reference: Map<string, number>, current: Map<string, number>): FeatureHistogram {
  const total = new Map<string, number>();
  for (const side of [reference, current]) for (const [k, v] of side) total.set(k, (total.get(k) ?? 0) + v);
  const ordered = [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const top = ordered.slice(0, HISTOGRAM_CATEGORIES);
  const rest = ordered.slice(HISTOGRAM_CATEGORIES);
  const labels = rest.length ? [...top, "(other)"] : top;
  const shares = (side: Map<string, number>) => {
    let n = 0;
    for (const v of side.values()) n += v;
    const out = top.map((k) => side.get(k) ?? 0);
    if (rest.length) out.push(rest.reduce((s, k) => s + (side.get(k) ?? 0), 0));
    return out.map((c) => (n ? c / n : 0));
  };
  return { kind: "categorical", labels, reference: shares(reference), current: shares(current) };
}
