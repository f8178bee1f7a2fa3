// The A/B verdict in one sentence, for the endpoint page: which variant is better on the metric, by how
// much, with its 95% interval, and whether that is significant over how many labelled requests.
import { HIGHER_IS_BETTER, type Metric } from "../performance/compute-metrics";

export const METRIC_NAMES: Record<Metric, string> = { auc: "AUC", accuracy: "accuracy", log_loss: "log loss", mae: "MAE", rmse: "RMSE" };

type Verdict = {
  metric: Metric; a: { variant: string }; b: { variant: string }; labelledRequests: number;
  difference: number | null; ci: { low: number; high: number } | null; significant: boolean;
};

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3));

export function verdictWords(v: Verdict): string {
  const name = METRIC_NAMES[v.metric];
  const count = `${v.labelledRequests.toLocaleString("en-US")} labelled requests`;
  if (v.difference === null) return `${name} is not defined for both ${v.a.variant} and ${v.b.variant} (${count}).`;
  const ci = v.ci ? ` (95% CI ${fmt(v.ci.low)} to ${fmt(v.ci.high)})` : " (no interval: too few resamples where both are defined)";
  if (v.difference === 0) return `${v.b.variant}'s ${name} equals ${v.a.variant}'s${ci}, over ${count}.`;
  const better = (v.difference > 0) === HIGHER_IS_BETTER[v.metric];
  const direction = `${v.difference > 0 ? "higher" : "lower"} (${better ? "better" : "worse"})`;
  const judgement = v.significant ? "significant" : "not significant";
  return `${v.b.variant}'s ${name} is ${fmt(Math.abs(v.difference))} ${direction} than ${v.a.variant}'s${ci}, ${judgement} over ${count}.`;
}
