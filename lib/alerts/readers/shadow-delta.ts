// shadow_delta: how far a shadow's answers are from the answers served for the same requests, over
// the window (the pairs lib/serving/control/metrics/shadow-comparison.ts compares): the mean
// |shadow − served| of the first output's first value when both are numbers; when the outputs are
// strings (labels), the share of pairs that differ. A rule naming a variant reads that shadow;
// otherwise all the endpoint's shadows together. No pairs: no data. One query per cycle.
import { windowsOf, type MetricReader } from "./reader";

type Row = { e: string; secs: number; variant: string; numbers: bigint; diff: number | null; comparable: bigint; differ: bigint };

export const shadowDelta: MetricReader = {
  name: "shadow-delta",
  async read({ db, now, rules }) {
    const { endpoints, seconds } = windowsOf(rules);
    const rows = await db.$queryRawUnsafe<Row[]>(
      `WITH w AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(e, secs)),
       pairs AS (
         SELECT w.e, w.secs, s.variant,
                s.outputs -> (SELECT k FROM jsonb_object_keys(s.outputs) k LIMIT 1) -> 0 AS sv,
                p.outputs -> (SELECT k FROM jsonb_object_keys(p.outputs) k LIMIT 1) -> 0 AS pv
         FROM w
         JOIN "PredictionLog" s ON s."endpointId" = w.e AND s.shadow AND s.status = 200
              AND s.time >= to_timestamp($3::float8 - w.secs) AND s.time <= to_timestamp($3::float8)
         JOIN "PredictionLog" p ON p."requestId" = s."requestId" AND p."endpointId" = s."endpointId" AND NOT p.shadow AND p.status = 200
              AND p.time >= to_timestamp($3::float8 - w.secs) - interval '1 minute'
       ), typed AS (
         SELECT e, secs, variant, sv, pv,
                jsonb_typeof(sv) = 'number' AND jsonb_typeof(pv) = 'number' AS numbers,
                jsonb_typeof(sv) IN ('number', 'string') AND jsonb_typeof(sv) = jsonb_typeof(pv) AS comparable
         FROM pairs
       )
       SELECT e, secs, variant,
              count(*) FILTER (WHERE numbers) AS numbers,
              sum(CASE WHEN numbers THEN abs((sv #>> '{}')::float8 - (pv #>> '{}')::float8) END)::float8 AS diff,
              count(*) FILTER (WHERE comparable) AS comparable,
              count(*) FILTER (WHERE comparable AND sv <> pv) AS differ
       FROM typed GROUP BY 1, 2, 3`,
      endpoints, seconds, now.getTime() / 1000,
    );
    const values = new Map<string, number | null>();
    for (const rule of rules) {
      const mine = rows.filter((r) => r.e === rule.endpointId && r.secs === rule.windowSeconds && (!rule.variant || r.variant === rule.variant));
      const numbers = mine.reduce((a, r) => a + Number(r.numbers), 0);
      const comparable = mine.reduce((a, r) => a + Number(r.comparable), 0);
      if (numbers) values.set(rule.id, mine.reduce((a, r) => a + (r.diff ?? 0), 0) / numbers);
      else if (comparable) values.set(rule.id, mine.reduce((a, r) => a + Number(r.differ), 0) / comparable);
      else values.set(rule.id, null);
    }
    return values;
  },
};
