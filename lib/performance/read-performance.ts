// Labelled performance of an endpoint: per variant, over the range and per hour of prediction time, and the
// A/B verdict between two variants. Reads PredictionFeedback alone (labels carry their prediction's time,
// variant and score), newest first, at most PERFORMANCE_MAX_ROWS rows: the answer says when it stopped.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, bootstrapDifference } from "./bootstrap-difference";
import { calibration, METRIC_FNS, METRICS, prepareSample, type CalibrationBin, type Labelled, type Metric, type Sample } from "./compute-metrics";
import type { Task } from "./read-outcome";

export const PERFORMANCE_RANGES = ["24h", "7d"] as const;
export type PerformanceRange = (typeof PERFORMANCE_RANGES)[number];
const RANGE_HOURS: Record<PerformanceRange, number> = { "24h": 24, "7d": 168 };

/** Labelled predictions one answer reads at most (the newest): bounds the query and the series' work. */
export const PERFORMANCE_MAX_ROWS = 100_000;
/**
 * Labelled requests the verdict's bootstrap resamples at most (the newest of the two variants): each of its
 * 1,000 resamples is O(requests), so this bounds its time (about 1 s of CPU at the cap).
 */
export const VERDICT_MAX_REQUESTS = 20_000;

const HOUR = 3_600_000;

type Row = Labelled & { requestId: string; variant: string; version: number; shadow: boolean; time: Date };

export type Metrics = Record<Metric, number | null>;

/** The metrics each task has; the others answer null. */
export const TASK_METRICS: Record<Task, readonly Metric[]> = { classification: ["auc", "accuracy", "log_loss"], regression: ["mae", "rmse"] };

const metricsOf = (s: Sample, task: Task | null): Metrics =>
  Object.fromEntries(METRICS.map((m) => [m, task && TASK_METRICS[task].includes(m) ? METRIC_FNS[m](s) : null])) as Metrics;

export const VERDICT_METHOD = `difference b − a of the metric on the labelled requests of both variants (the newest ${VERDICT_MAX_REQUESTS.toLocaleString("en-US")} at most); 95% percentile bootstrap over requests (${BOOTSTRAP_RESAMPLES} resamples of those requests, with replacement, seed ${BOOTSTRAP_SEED}); significant when the interval excludes 0`;

export async function readPerformance(opts: { db: Db; teamId: string; name: string; range?: PerformanceRange; metric?: Metric; a?: string; b?: string; now?: Date; maxRows?: number; verdictMaxRequests?: number }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const range = opts.range ?? "24h";
  const hours = RANGE_HOURS[range];
  const now = opts.now ?? new Date();
  const start = new Date(Math.floor(now.getTime() / HOUR) * HOUR - (hours - 1) * HOUR);
  const cap = opts.maxRows ?? PERFORMANCE_MAX_ROWS;
  const read = await opts.db.$queryRaw<Row[]>`
    SELECT "requestId", "variant", "version", "shadow", "time", "actual", "score", "correct" FROM "PredictionFeedback"
    WHERE "endpointId" = ${e.id} AND "time" >= ${start} AND "time" <= ${now}
    ORDER BY "time" DESC LIMIT ${cap + 1}`;
  const truncated = read.length > cap;
  const rows = truncated ? read.slice(0, cap) : read;

  const task: Task | null = !rows.length ? null : rows.some((r) => r.correct !== null) ? "classification" : "regression";
  const metric: Metric = opts.metric ?? (task === "regression" ? "mae" : "auc");
  if (task && !TASK_METRICS[task].includes(metric)) throw new AppError("bad_request", `${metric} is not a ${task} metric: choose one of ${TASK_METRICS[task].join(", ")}`, { field: "metric" });

  const byVariant = new Map<string, Row[]>();
  for (const r of rows) (byVariant.get(r.variant) ?? byVariant.set(r.variant, []).get(r.variant)!).push(r);
  const variants = [...byVariant.entries()]
    .map(([variant, vr]) => {
      const sample = prepareSample(vr);
      const perHour = Array.from({ length: hours }, () => [] as Row[]);
      for (const r of vr) perHour[Math.floor((r.time.getTime() - start.getTime()) / HOUR)]?.push(r);
      return {
        variant, version: Math.max(...vr.map((r) => r.version)), shadow: vr.some((r) => r.shadow), labelled: vr.length,
        metrics: metricsOf(sample, task), calibration: task === "classification" ? calibration(sample) : null,
        hours: perHour.map((hr, i) => {
          const s = prepareSample(hr);
          return { start: new Date(start.getTime() + i * HOUR).toISOString(), labelled: hr.length, metrics: metricsOf(s, task), calibration: hr.length && task === "classification" ? calibration(s) : null as CalibrationBin[] | null };
        }),
        sample, rows: vr,
      };
    })
    .sort((x, y) => x.version - y.version || x.variant.localeCompare(y.variant));

  const verdict = await decide(variants, metric, opts.a, opts.b, opts.verdictMaxRequests ?? VERDICT_MAX_REQUESTS);
  return {
    endpoint: e.name, range, from: start.toISOString(), to: now.toISOString(), task, metric,
    rows: { read: rows.length, cap, truncated },
    variants: variants.map(({ sample: _s, rows: _r, ...v }) => v),
    ...verdict,
  };
}

type VariantPart = { variant: string; version: number; labelled: number; sample: Sample; rows: Row[] };

/** The two variants' labelled predictions of their newest `max` distinct requests (rows come newest first). */
function newestRequests(a: Row[], b: Row[], max: number): [Row[], Row[]] {
  if (a.length + b.length <= max) return [a, b];
  const keep = new Set<string>();
  for (const r of [...a, ...b].sort((x, y) => y.time.getTime() - x.time.getTime())) {
    if (keep.size >= max && !keep.has(r.requestId)) break;
    keep.add(r.requestId);
  }
  return [a.filter((r) => keep.has(r.requestId)), b.filter((r) => keep.has(r.requestId))];
}

async function decide(variants: VariantPart[], metric: Metric, a: string | undefined, b: string | undefined, maxRequests: number) {
  if ((a === undefined) !== (b === undefined)) throw new AppError("bad_request", "give both a and b, or neither", { field: a === undefined ? "a" : "b" });
  if (a !== undefined && a === b) throw new AppError("bad_request", "a and b must be two different variants", { field: "b" });
  let pair: VariantPart[];
  if (a !== undefined) {
    const missing = [a, b!].find((v) => !variants.some((x) => x.variant === v));
    if (missing) return { verdict: null, verdictNote: `variant "${missing.slice(0, 100)}" has no labelled predictions in this range` };
    pair = [a, b!].map((v) => variants.find((x) => x.variant === v)!);
  } else {
    if (variants.length < 2) return { verdict: null, verdictNote: "a verdict needs labelled predictions of two variants in this range" };
    // the two with the most labels, the older version first
    pair = [...variants].sort((x, y) => y.labelled - x.labelled).slice(0, 2).sort((x, y) => x.version - y.version || x.variant.localeCompare(y.variant));
  }
  const [va, vb] = pair;
  const [ra, rb] = newestRequests(va.rows, vb.rows, maxRequests);
  const side = (rows: Row[], v: VariantPart) => ({ sample: rows === v.rows ? v.sample : prepareSample(rows), requestIds: rows.map((r) => r.requestId) });
  const sa = side(ra, va), sb = side(rb, vb);
  const d = await bootstrapDifference({ a: sa, b: sb, metric });
  const labelledRequests = new Set([...sa.requestIds, ...sb.requestIds]).size;
  return {
    verdict: {
      metric, method: VERDICT_METHOD,
      a: { variant: va.variant, version: va.version, labelled: ra.length, value: d.a },
      b: { variant: vb.variant, version: vb.version, labelled: rb.length, value: d.b },
      labelledRequests, capped: ra.length + rb.length < va.rows.length + vb.rows.length, difference: d.difference, ci: d.low === null ? null : { level: 0.95, low: d.low, high: d.high! },
      significant: d.significant, resamples: d.resamples, skipped: d.skipped,
    },
    verdictNote: d.difference === null ? `${metric} is not defined for both variants (it needs labels of both classes for auc, scores for log_loss, numbers for mae and rmse)` : null,
  };
}
