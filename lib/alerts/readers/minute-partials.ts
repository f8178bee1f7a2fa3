// Per-minute partial sums of the prediction log, kept between cycles in this process, so that a reader
// of the log (prediction_mean, shadow_delta) reads each cycle only the minutes whose rows changed —
// in steady state the current one — instead of every row of every window every 15 s.
//
// Knowing which minutes changed costs no log read: the ingest writes a minute's log rows and its
// rollup rows in one transaction (lib/serving/data/prediction-log/write-batch.ts), so the sum of an
// endpoint's rollup counts over a minute (and `span` minutes either side, for partials that join rows
// of neighbouring minutes) changes exactly when rows that could count in it arrive. A log read that
// sees rows committed after the listing is cached with the older stamp and read again next cycle.
import type { Db } from "../../db/client";

export type MinuteKey = { e: string; /** the minute's start, seconds since the epoch */ m: number };

export type MinutePartials<P> = {
  /** Partials per (endpoint, minute) of every minute of these endpoints since `since`. */
  read(db: Db, opts: { endpoints: string[]; since: Date }): Promise<Map<string, P[]>>;
};

export const minuteKey = (e: string, m: number) => `${e}|${m}`;

export function minutePartials<P>(opts: { span: number; readMinutes: (db: Db, minutes: MinuteKey[]) => Promise<(P & MinuteKey)[]> }): MinutePartials<P> {
  const cache = new Map<string, { stamp: number; partials: P[] }>();
  return {
    async read(db, { endpoints, since }) {
      const from = Math.floor(since.getTime() / 60_000) * 60;
      const listed = await db.$queryRawUnsafe<{ e: string; m: number; n: bigint }[]>(
        `SELECT "endpointId" AS e, extract(epoch from minute)::float8 AS m, sum(count)::bigint AS n FROM "MetricRollup"
         WHERE "endpointId" = ANY($1::text[]) AND minute >= (to_timestamp($2::float8) AT TIME ZONE 'UTC')
         GROUP BY 1, 2`,
        endpoints, from - opts.span * 60,
      );
      const counts = new Map(listed.map((r) => [minuteKey(r.e, r.m), Number(r.n)]));
      const stampOf = (e: string, m: number) => {
        let s = 0;
        for (let d = -opts.span; d <= opts.span; d++) s += counts.get(minuteKey(e, m + d * 60)) ?? 0;
        return s;
      };
      const live = new Map<string, { key: MinuteKey; stamp: number }>();
      for (const r of listed) if (r.m >= from) live.set(minuteKey(r.e, r.m), { key: { e: r.e, m: r.m }, stamp: stampOf(r.e, r.m) });
      const stale = [...live].filter(([k, v]) => cache.get(k)?.stamp !== v.stamp);
      if (stale.length) {
        const rows = await opts.readMinutes(db, stale.map(([, v]) => v.key));
        const fresh = new Map<string, P[]>(stale.map(([k]) => [k, []]));
        for (const r of rows) fresh.get(minuteKey(r.e, r.m))?.push(r);
        for (const [k, v] of stale) cache.set(k, { stamp: v.stamp, partials: fresh.get(k)! });
      }
      // forget minutes that left every window (and those of rules deleted since)
      for (const k of cache.keys()) if (!live.has(k)) cache.delete(k);
      return new Map([...live.keys()].map((k) => [k, cache.get(k)!.partials]));
    },
  };
}

/** The minutes (their starts, in seconds) a window of W seconds covers at `now`: those that began in the last W seconds. */
export function minutesOf(now: Date, windowSeconds: number): number[] {
  const nowSec = now.getTime() / 1000;
  const out: number[] = [];
  for (let m = Math.ceil((nowSec - windowSeconds) / 60) * 60; m <= nowSec; m += 60) out.push(m);
  return out;
}

/** The minute (its start, in seconds since the epoch) of a time in epoch ms. */
export const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60;

/**
 * Minutes grouped by endpoint, as runs of consecutive minutes [first, last] (seconds): a reader reads each
 * run's records at once, and never the minutes between two runs.
 */
export function byEndpoint(minutes: readonly MinuteKey[]): [string, [number, number]][] {
  const by = new Map<string, number[]>();
  for (const k of minutes) {
    const g = by.get(k.e);
    if (g) g.push(k.m);
    else by.set(k.e, [k.m]);
  }
  const out: [string, [number, number]][] = [];
  for (const [e, ms] of by) {
    ms.sort((a, b) => a - b);
    let first = ms[0];
    for (let i = 1; i <= ms.length; i++) {
      if (i < ms.length && ms[i] <= ms[i - 1] + 60) continue;
      out.push([e, [first, ms[i - 1]]]);
      first = ms[i];
    }
  }
  return out;
}
