// The time windows charts ask for, each with the resolution fitted to it: few enough points to draw,
// fine enough to see a canary step.
import { AppError } from "../../../errors";

export const METRIC_RANGES = ["15m", "1h", "24h", "7d"] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];

const RANGE_MINUTES: Record<MetricRange, number> = { "15m": 15, "1h": 60, "24h": 24 * 60, "7d": 7 * 24 * 60 };

/** 1 min up to an hour, 5 min up to a day, 1 h beyond. */
export function stepMinutesFor(minutes: number): number {
  return minutes <= 60 ? 1 : minutes <= 24 * 60 ? 5 : 60;
}

/**
 * `buckets` time buckets of `stepMinutes`, aligned to the step (UTC), the last one holding `now`: the
 * axis ends at now. `start` is the first bucket's start; the window covers [start, now].
 */
export type TimeWindow = { range: MetricRange | null; minutes: number; stepMinutes: number; buckets: number; start: Date; end: Date };

export function timeWindow(opts: { range?: MetricRange; minutes?: number; now?: Date }): TimeWindow {
  if (opts.range !== undefined && opts.minutes !== undefined) throw new AppError("bad_request", "give either range or minutes, not both", { field: "minutes" });
  const range = opts.range ?? (opts.minutes === undefined ? "15m" : null);
  const minutes = range ? RANGE_MINUTES[range] : opts.minutes!;
  const stepMinutes = stepMinutesFor(minutes);
  const step = stepMinutes * 60_000;
  const end = opts.now ?? new Date();
  const buckets = Math.max(1, Math.ceil(minutes / stepMinutes));
  const start = new Date(Math.floor(end.getTime() / step) * step - (buckets - 1) * step);
  return { range, minutes, stepMinutes, buckets, start, end };
}

/** Start (ms) of every bucket of the window, oldest first. */
export function bucketStarts(w: TimeWindow): number[] {
  return Array.from({ length: w.buckets }, (_, i) => w.start.getTime() + i * w.stepMinutes * 60_000);
}

/** Seconds of a bucket that have passed by the window's end (the last bucket is still filling). */
export function elapsedSeconds(w: TimeWindow, bucketStart: number): number {
  return Math.max(1, Math.min(w.stepMinutes * 60, (w.end.getTime() - bucketStart) / 1000));
}
