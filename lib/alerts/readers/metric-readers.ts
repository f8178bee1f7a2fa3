// Which reader answers which metric. The evaluator groups a cycle's rules by reader and calls each
// reader once with all of its rules.
import type { AlertMetric } from "../alert-metrics";
import type { MetricReader } from "./reader";
import { rollupMetrics } from "./rollup-metrics";
import { shadowDelta } from "./shadow-delta";
import { predictionMean } from "./prediction-mean";
import { driftShare } from "./drift-share";
import { featurePsi } from "./feature-psi";
import { labelledPerformance } from "./labelled-performance";

export const METRIC_READERS: Record<AlertMetric, MetricReader> = {
  error_rate: rollupMetrics,
  request_rate: rollupMetrics,
  p50_latency_ms: rollupMetrics,
  p95_latency_ms: rollupMetrics,
  shadow_delta: shadowDelta,
  prediction_mean: predictionMean,
  drift_share: driftShare,
  feature_psi: featurePsi,
  accuracy: labelledPerformance,
  auc: labelledPerformance,
  log_loss: labelledPerformance,
  mae: labelledPerformance,
  rmse: labelledPerformance,
};
