// accuracy, auc, log_loss, mae and rmse on labelled traffic: the predictions made in the rule's window
// (by prediction time: labels arrive late, and a label counts where its prediction was made) that have
// a label, from PredictionFeedback, computed exactly as the endpoint's performance panel and
// GET …/performance compute them (lib/performance, equal to sklearn). A rule naming a variant reads
// that variant's labelled predictions (shadow copies included), otherwise the served ones. One query per
// cycle, at most the newest 20,000 (VERDICT_MAX_REQUESTS) labelled predictions per (endpoint, window) by the
// (endpoint, time) index. No labels in the window, or a metric the task does not have (mae on a
// classifier, accuracy on a regressor), or one the labels leave undefined (auc with one class): no data.
import { METRIC_FNS, prepareSample, type Labelled, type Metric } from "../../performance/compute-metrics";
import { TASK_METRICS, VERDICT_MAX_REQUESTS } from "../../performance/read-performance";
import { matchesTraffic, windowsOf, type MetricReader } from "./reader";

type Row = Labelled & { e: string; secs: number; variant: string; shadow: boolean };

export const labelledPerformance: MetricReader = {
  name: "labelled-performance",
  async read({ db, now, rules }) {
    const { endpoints, seconds } = windowsOf(rules);
    const rows = await db.$queryRawUnsafe<Row[]>(
      `SELECT w.e, w.secs, f.variant, f.shadow, f.actual, f.score, f.correct
       FROM unnest($1::text[], $2::int[]) AS w(e, secs)
       CROSS JOIN LATERAL (
         SELECT variant, shadow, actual, score, correct FROM "PredictionFeedback"
         WHERE "endpointId" = w.e AND time >= to_timestamp($3::float8 - w.secs) AND time <= to_timestamp($3::float8)
         ORDER BY time DESC LIMIT $4
       ) f`,
      endpoints, seconds, now.getTime() / 1000, VERDICT_MAX_REQUESTS,
    );
    const byWindow = new Map<string, Row[]>();
    for (const r of rows) {
      const k = `${r.e}|${r.secs}`;
      const list = byWindow.get(k);
      if (list) list.push(r);
      else byWindow.set(k, [r]);
    }
    const values = new Map<string, number | null>();
    for (const rule of rules) {
      const mine = (byWindow.get(`${rule.endpointId}|${rule.windowSeconds}`) ?? []).filter((r) => matchesTraffic(rule, r));
      const metric = rule.metric as Metric;
      // the task as the performance answer decides it: labels with a predicted class are a classifier's
      const task = mine.some((r) => r.correct !== null) ? "classification" : "regression";
      values.set(rule.id, mine.length && TASK_METRICS[task].includes(metric) ? METRIC_FNS[metric](prepareSample(mine)) : null);
    }
    return values;
  },
};
