// An endpoint's traffic over a time window, for charts: per variant and kind of traffic (served answers,
// shadow copies), one point for every time bucket from the window's start to now, zeros where there was
// no traffic, and the totals over the whole window.
import type { Db } from "../../../db/client";
import { figuresOf, readRollups, totalsOf, type Traffic } from "./read-rollups";
import { bucketStarts, elapsedSeconds, type TimeWindow } from "./time-window";

/** The model of a variant named `<model>-v<version>` (routing.ts), for the colour of that version on every page. */
function modelOf(variant: string, version: number): string {
  const suffix = `-v${version}`;
  return variant.endsWith(suffix) ? variant.slice(0, -suffix.length) : variant;
}

export async function metricSeries(opts: { db: Db; endpointId: string; window: TimeWindow }) {
  const w = opts.window;
  const step = w.stepMinutes * 60_000;
  const starts = bucketStarts(w);
  // rows stamped after now (a gateway's clock ahead of ours) wait until the axis reaches them
  const buckets = (await readRollups({ db: opts.db, endpointId: opts.endpointId, since: w.start, stepMinutes: w.stepMinutes })).filter((g) => g.at <= starts[starts.length - 1]);
  const totals = totalsOf(buckets, w.start.getTime());
  const windowSeconds = Math.max(1, (w.end.getTime() - w.start.getTime()) / 1000);
  const lines = totals.sort((a, b) => a.variant.localeCompare(b.variant) || a.traffic.localeCompare(b.traffic));
  const byKey = new Map(buckets.map((g) => [`${g.variant}|${g.traffic}|${g.at}`, g]));
  const series = lines.flatMap((line) => starts.map((at) => {
    const g = byKey.get(`${line.variant}|${line.traffic}|${at}`);
    const f = figuresOf(g ?? { requests: 0, errors: 0, latencySumMs: 0, histograms: new Map() });
    return { at: new Date(at).toISOString(), variant: line.variant, traffic: line.traffic as Traffic, ...f, requestsPerSecond: f.requests / elapsedSeconds(w, at) };
  }));
  return {
    range: w.range,
    minutes: w.minutes,
    stepSeconds: step / 1000,
    since: w.start.toISOString(),
    until: w.end.toISOString(),
    buckets: starts.map((at) => new Date(at).toISOString()),
    variants: lines.map((g) => {
      const f = figuresOf(g);
      return { variant: g.variant, model: modelOf(g.variant, g.version), version: g.version, traffic: g.traffic, ...f, requestsPerSecond: f.requests / windowSeconds };
    }),
    series,
  };
}
