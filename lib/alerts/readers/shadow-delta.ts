// shadow_delta: how far a shadow's answers are from the answers served for the same requests, over
// the window (the pairs lib/serving/control/metrics/shadow-comparison.ts compares): the mean
// |shadow − served| of the first output's first value when both are numbers; when the outputs are
// strings (labels), the share of pairs that differ. A rule naming a variant reads that shadow;
// otherwise all the endpoint's shadows together. No pairs: no data.
//
// A pair counts in the minute of its shadow row; the window is the minutes that began in the last W
// seconds, like the rollup metrics. Per-minute sums are kept between cycles (minute-partials.ts), so a
// cycle reads only the shadow rows of minutes that changed (their served rows by request id), and a
// minute is read again when rows arrive in it or in a minute either side (a served answer logged a
// little before or after its shadow copy).
import type { MetricReader } from "./reader";
import { minuteKey, minutePartials, minutesOf } from "./minute-partials";

type Partial = { variant: string; numbers: number; diff: number; comparable: number; differ: number };

const partials = minutePartials<Partial>({
  span: 1,
  async readMinutes(db, minutes) {
    const rows = await db.$queryRawUnsafe<{ e: string; m: number; variant: string; numbers: bigint; diff: number | null; comparable: bigint; differ: bigint }[]>(
      `WITH pairs AS (
         SELECT k.e, k.m, s.variant,
                s.outputs -> (SELECT o FROM jsonb_object_keys(s.outputs) o LIMIT 1) -> 0 AS sv,
                p.outputs -> (SELECT o FROM jsonb_object_keys(p.outputs) o LIMIT 1) -> 0 AS pv
         FROM unnest($1::text[], $2::float8[]) AS k(e, m)
         JOIN "PredictionLog" s ON s."endpointId" = k.e AND s.shadow AND s.status = 200
              AND s.time >= to_timestamp(k.m) AND s.time < to_timestamp(k.m + 60)
         JOIN "PredictionLog" p ON p."requestId" = s."requestId" AND p."endpointId" = s."endpointId" AND NOT p.shadow AND p.status = 200
              AND p.time >= to_timestamp(k.m - 60) AND p.time < to_timestamp(k.m + 120)
       ), typed AS (
         SELECT e, m, variant, sv, pv,
                jsonb_typeof(sv) = 'number' AND jsonb_typeof(pv) = 'number' AS numbers,
                jsonb_typeof(sv) IN ('number', 'string') AND jsonb_typeof(sv) = jsonb_typeof(pv) AS comparable
         FROM pairs
       )
       SELECT e, m, variant,
              count(*) FILTER (WHERE numbers) AS numbers,
              sum(CASE WHEN numbers THEN abs((sv #>> '{}')::float8 - (pv #>> '{}')::float8) END)::float8 AS diff,
              count(*) FILTER (WHERE comparable) AS comparable,
              count(*) FILTER (WHERE comparable AND sv <> pv) AS differ
       FROM typed GROUP BY 1, 2, 3`,
      minutes.map((k) => k.e), minutes.map((k) => k.m),
    );
    return rows.map((r) => ({ e: r.e, m: r.m, variant: r.variant, numbers: Number(r.numbers), diff: r.diff ?? 0, comparable: Number(r.comparable), differ: Number(r.differ) }));
  },
});

export const shadowDelta: MetricReader = {
  name: "shadow-delta",
  async read({ db, now, rules }) {
    const longest = Math.max(...rules.map((r) => r.windowSeconds));
    const byMinute = await partials.read(db, { endpoints: [...new Set(rules.map((r) => r.endpointId))], since: new Date(now.getTime() - longest * 1000) });
    const values = new Map<string, number | null>();
    for (const rule of rules) {
      const sum = { numbers: 0, diff: 0, comparable: 0, differ: 0 };
      for (const m of minutesOf(now, rule.windowSeconds)) {
        for (const p of byMinute.get(minuteKey(rule.endpointId, m)) ?? []) {
          if (rule.variant && p.variant !== rule.variant) continue;
          sum.numbers += p.numbers;
          sum.diff += p.diff;
          sum.comparable += p.comparable;
          sum.differ += p.differ;
        }
      }
      if (sum.numbers) values.set(rule.id, sum.diff / sum.numbers);
      else if (sum.comparable) values.set(rule.id, sum.differ / sum.comparable);
      else values.set(rule.id, null);
    }
    return values;
  },
};
