const LOWER_IS_BETTER = /(loss|error|mse|rmse|mae|latency|brier)/i;

/** For each metric, the value of the best version: highest, or lowest for losses and errors. */
export function bestMetrics(rows: Record<string, number>[]): Record<string, number> {
  const best: Record<string, number> = {};
  for (const m of rows) {
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      const lower = LOWER_IS_BETTER.test(k);
      if (!(k in best) || (lower ? v < best[k] : v > best[k])) best[k] = v;
    }
  }
  return best;
}

export function metricNames(rows: Record<string, number>[]): string[] {
  return [...new Set(rows.flatMap((m) => Object.keys(m)))].sort();
}
