// What an alert rule can watch and how it compares, declared once: the API validates against these
// lists, the evaluator reads each metric with its reader (lib/alerts/readers/metric-readers.ts).
export const ROLLUP_METRICS = ["error_rate", "p95_latency_ms", "p50_latency_ms", "request_rate"] as const;
/** On labelled traffic (feedback): classification and regression. */
export const PERFORMANCE_METRICS = ["accuracy", "auc", "log_loss", "mae", "rmse"] as const;
export const ALERT_METRICS = [...ROLLUP_METRICS, "shadow_delta", "prediction_mean", "drift_share", "feature_psi", ...PERFORMANCE_METRICS] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** Metrics that watch one model input: the rule names it in `feature`. */
export const FEATURE_METRICS: readonly AlertMetric[] = ["feature_psi"];

export const OPERATORS = [">", ">=", "<", "<="] as const;
export type Operator = (typeof OPERATORS)[number];

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The rule's condition on a value; no data never meets it (a firing incident then resolves). */
export function conditionHolds(value: number | null, operator: Operator, threshold: number): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  switch (operator) {
    case ">": return value > threshold;
    case ">=": return value >= threshold;
    case "<": return value < threshold;
    case "<=": return value <= threshold;
  }
}

/** Which way is worse: the peak of an incident on `>` is its highest value, on `<` its lowest. */
export const worse = (operator: Operator, a: number, b: number) => (operator === ">" || operator === ">=" ? Math.max(a, b) : Math.min(a, b));

/** How a metric reads to people: units and what it means. */
export const METRIC_UNITS: Record<AlertMetric, string> = {
  error_rate: "share of requests that failed (0–1)",
  p95_latency_ms: "ms",
  p50_latency_ms: "ms",
  request_rate: "requests per second",
  shadow_delta: "mean |shadow − served| of the first output (string outputs: share that differ)",
  prediction_mean: "mean of the first output",
  drift_share: "share of drifted columns in the last drift report (0–1)",
  feature_psi: "PSI of the feature in the last drift report",
  accuracy: "share (0–1)",
  auc: "ROC AUC",
  log_loss: "nats",
  mae: "model units",
  rmse: "model units",
};
