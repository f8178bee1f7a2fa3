// `?metric=auc>0.77,loss<=0.3`: filters on a version's reported metrics. Parsed strictly — a filter
// that is not `name op number` is refused with the reason, never half-applied.
export const METRIC_OPS = [">=", "<=", ">", "<", "="] as const;
export type MetricOp = (typeof METRIC_OPS)[number];
export type MetricFilter = { metric: string; op: MetricOp; value: number };

// Metric names as people write them (auc, val_loss, f1@0.5, top-1); case is kept, as in release-policy gates.
const FILTER = /^([A-Za-z_][\w.@/-]{0,99})\s*(>=|<=|>|<|=)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$/;
const MAX_FILTERS = 10;

export type ParsedFilters = { filters: MetricFilter[] } | { error: string };

/** Several filters are separated by commas; all must hold. */
export function parseMetricFilters(text: string): ParsedFilters {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length > MAX_FILTERS) return { error: `at most ${MAX_FILTERS} metric filters, separated by commas` };
  const filters: MetricFilter[] = [];
  for (const part of parts) {
    const m = FILTER.exec(part);
    const value = m ? Number(m[3]) : NaN;
    if (!m || !Number.isFinite(value)) {
      return { error: `"${part.slice(0, 60)}" is not a metric filter: write a metric, an operator (${METRIC_OPS.join(" ")}) and a number, e.g. "auc > 0.77"; separate several with commas` };
    }
    filters.push({ metric: m[1], op: m[2] as MetricOp, value });
  }
  return { filters };
}

export const describeFilter = (f: MetricFilter) => `${f.metric} ${f.op} ${f.value}`;
