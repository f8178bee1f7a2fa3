// Sums the per-minute rollups of one endpoint into time buckets, in Postgres: a 7-day window is
// ~10,000 rows per variant of ~460-slot histograms, too much to ship to Node and add up there.
// Histograms are summed slot by slot per layout (never across layouts: rollups.ts). Whole-hour buckets
// over a window that starts on the hour read the hourly table (kept by a trigger on the minutes'),
// which is 60 times fewer rows: a week is 168 rows per variant.
import type { Db } from "../../../db/client";
import { addToLayout, LAYOUT_BOUNDS, quantileOfLayouts, type LayoutHistograms } from "../../shared/rollups";

export type Traffic = "served" | "shadow";

/** One variant's served answers or shadow copies in one time bucket (or the whole window). */
export type RollupGroup = {
  /** bucket start (ms since the epoch); the window's start when not bucketed */
  at: number;
  variant: string;
  traffic: Traffic;
  version: number;
  requests: number;
  errors: number;
  latencySumMs: number;
  histograms: LayoutHistograms;
};

export type ReadRollupsOptions = {
  db: Db;
  endpointId: string;
  since: Date;
  /** bucket width in minutes; omitted: one bucket for the whole window */
  stepMinutes?: number;
  variants?: string[];
  traffic?: Traffic;
};

export async function readRollups(opts: ReadRollupsOptions): Promise<RollupGroup[]> {
  const sinceMinute = Math.floor(opts.since.getTime() / 60_000) * 60;
  const step = opts.stepMinutes ? opts.stepMinutes * 60 : null;
  const hourly = step !== null && step % 3600 === 0 && sinceMinute % 3600 === 0;
  const table = hourly ? `"MetricRollupHour"` : `"MetricRollup"`;
  const time = hourly ? "r.hour" : "r.minute";
  // the time column is a UTC timestamp without zone; buckets are whole seconds since the epoch, aligned to the step
  const at = step ? `(floor(extract(epoch from ${time})::float8 / ${step}) * ${step})::bigint` : `${sinceMinute}::bigint`;
  const args: unknown[] = [opts.endpointId, sinceMinute];
  let where = `r."endpointId" = $1 AND ${time} >= (to_timestamp($2::float8) AT TIME ZONE 'UTC')`;
  if (opts.variants) {
    args.push(opts.variants);
    where += ` AND r.variant = ANY($${args.length}::text[])`;
  }
  if (opts.traffic) where += ` AND r.shadow = ${opts.traffic === "shadow"}`;
  // The bucket of a row is computed once per row (OFFSET 0 keeps the planner from computing it again
  // for each of the row's ~460 slots, which tripled the time of a 7-day window).
  const rows = `SELECT ${at} AS at, r.variant, r.shadow, r."latencyLayout" AS layout, r."latencyBuckets" AS b FROM ${table} r WHERE ${where} OFFSET 0`;
  const [totals, slots] = await Promise.all([
    opts.db.$queryRawUnsafe<{ at: bigint; variant: string; shadow: boolean; version: number; requests: bigint; errors: bigint; sum: number }[]>(
      `SELECT ${at} AS at, r.variant, r.shadow, max(r.version)::int AS version, sum(r.count)::bigint AS requests, sum(r.errors)::bigint AS errors, sum(r."latencySumMs")::float8 AS sum
       FROM ${table} r WHERE ${where} GROUP BY 1, 2, 3`,
      ...args,
    ),
    opts.db.$queryRawUnsafe<{ at: bigint; variant: string; shadow: boolean; layout: number; slot: number; n: bigint }[]>(
      `SELECT r.at, r.variant, r.shadow, r.layout, (u.i - 1)::int AS slot, sum(u.n)::bigint AS n
       FROM (${rows}) r CROSS JOIN LATERAL unnest(r.b) WITH ORDINALITY AS u(n, i)
       WHERE u.n <> 0 GROUP BY 1, 2, 3, 4, 5`,
      ...args,
    ),
  ]);
  const key = (a: bigint, variant: string, shadow: boolean) => `${a}|${shadow}|${variant}`;
  const groups = new Map<string, RollupGroup>();
  for (const t of totals) {
    groups.set(key(t.at, t.variant, t.shadow), {
      at: Number(t.at) * 1000, variant: t.variant, traffic: t.shadow ? "shadow" : "served", version: t.version,
      requests: Number(t.requests), errors: Number(t.errors), latencySumMs: t.sum, histograms: new Map(),
    });
  }
  for (const s of slots) {
    const g = groups.get(key(s.at, s.variant, s.shadow));
    const bounds = LAYOUT_BOUNDS[s.layout];
    if (!g || !bounds || s.slot > bounds.length) continue; // a layout this build does not know (a newer writer mid-deploy)
    let h = g.histograms.get(s.layout);
    if (!h) g.histograms.set(s.layout, (h = new Array(bounds.length + 1).fill(0)));
    h[s.slot] += Number(s.n);
  }
  return [...groups.values()];
}

/** The figures charts and guardrails read from a group. */
export function figuresOf(g: Pick<RollupGroup, "requests" | "errors" | "latencySumMs" | "histograms">) {
  return {
    requests: g.requests,
    errors: g.errors,
    errorRate: g.requests ? g.errors / g.requests : 0,
    p50Ms: quantileOfLayouts(g.histograms, 0.5),
    p95Ms: quantileOfLayouts(g.histograms, 0.95),
    p99Ms: quantileOfLayouts(g.histograms, 0.99),
    meanMs: g.requests ? g.latencySumMs / g.requests : null,
  };
}

/** The groups of a bucketed read summed per variant and kind of traffic: the window's totals without reading it twice. */
export function totalsOf(groups: RollupGroup[], at: number): RollupGroup[] {
  const by = new Map<string, RollupGroup>();
  for (const g of groups) {
    const k = `${g.variant}|${g.traffic}`;
    const t = by.get(k) ?? { at, variant: g.variant, traffic: g.traffic, version: g.version, requests: 0, errors: 0, latencySumMs: 0, histograms: new Map() };
    t.version = Math.max(t.version, g.version);
    t.requests += g.requests;
    t.errors += g.errors;
    t.latencySumMs += g.latencySumMs;
    for (const [layout, h] of g.histograms) addToLayout(t.histograms, layout, h);
    by.set(k, t);
  }
  return [...by.values()];
}
