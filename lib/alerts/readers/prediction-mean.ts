// prediction_mean: the mean of the numbers in the first output of the answers logged in the window
// (served answers; a rule naming a variant reads that variant's, shadow copies included). Read from
// the prediction log with one query per cycle; windows of minutes keep it cheap (the log is indexed
// by endpoint and time). No numeric output in the window: no data.
import { matchesTraffic, windowsOf, type MetricReader } from "./reader";

type Row = { e: string; secs: number; variant: string; shadow: boolean; total: number | null; n: bigint };

export const predictionMean: MetricReader = {
  name: "prediction-mean",
  async read({ db, now, rules }) {
    const { endpoints, seconds } = windowsOf(rules);
    const rows = await db.$queryRawUnsafe<Row[]>(
      `WITH w AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(e, secs)),
       firsts AS (
         SELECT w.e, w.secs, l.variant, l.shadow, l.outputs -> (SELECT k FROM jsonb_object_keys(l.outputs) k LIMIT 1) AS o
         FROM w JOIN "PredictionLog" l ON l."endpointId" = w.e AND l.status = 200 AND l.outputs IS NOT NULL
              AND l.time >= to_timestamp($3::float8 - w.secs) AND l.time <= to_timestamp($3::float8)
       )
       SELECT f.e, f.secs, f.variant, f.shadow, sum((x #>> '{}')::float8)::float8 AS total, count(*) AS n
       FROM firsts f CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.o) = 'array' THEN f.o ELSE '[]'::jsonb END) x
       WHERE jsonb_typeof(x) = 'number'
       GROUP BY 1, 2, 3, 4`,
      endpoints, seconds, now.getTime() / 1000,
    );
    const values = new Map<string, number | null>();
    for (const rule of rules) {
      const mine = rows.filter((r) => r.e === rule.endpointId && r.secs === rule.windowSeconds && matchesTraffic(rule, r));
      const n = mine.reduce((a, r) => a + Number(r.n), 0);
      values.set(rule.id, n ? mine.reduce((a, r) => a + (r.total ?? 0), 0) / n : null);
    }
    return values;
  },
};
