// prediction_mean: the mean of the numbers in the first output of the answers logged in the window
// (served answers; a rule naming a variant reads that variant's, shadow copies included), over the
// minutes that began in the last W seconds, like the rollup metrics. Read from the prediction log as
// per-minute sums kept between cycles (minute-partials.ts): each cycle reads the log rows of the
// minutes that changed only, by the (endpoint, time) index. No numeric output in the window: no data.
import { matchesTraffic, type MetricReader } from "./reader";
import { minuteKey, minutePartials, minutesOf } from "./minute-partials";

type Partial = { variant: string; shadow: boolean; total: number; n: number };

const partials = minutePartials<Partial>({
  span: 0,
  async readMinutes(db, minutes) {
    const rows = await db.$queryRawUnsafe<{ e: string; m: number; variant: string; shadow: boolean; total: number | null; n: bigint }[]>(
      `SELECT k.e, k.m, l.variant, l.shadow, sum((x #>> '{}')::float8)::float8 AS total, count(*) AS n
       FROM unnest($1::text[], $2::float8[]) AS k(e, m)
       CROSS JOIN LATERAL (
         SELECT l.variant, l.shadow, l.outputs -> (SELECT o FROM jsonb_object_keys(l.outputs) o LIMIT 1) AS o
         FROM "PredictionLog" l
         WHERE l."endpointId" = k.e AND l.time >= to_timestamp(k.m) AND l.time < to_timestamp(k.m + 60) AND l.status = 200 AND l.outputs IS NOT NULL
       ) l
       CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(l.o) = 'array' THEN l.o ELSE '[]'::jsonb END) x
       WHERE jsonb_typeof(x) = 'number'
       GROUP BY 1, 2, 3, 4`,
      minutes.map((k) => k.e), minutes.map((k) => k.m),
    );
    return rows.map((r) => ({ e: r.e, m: r.m, variant: r.variant, shadow: r.shadow, total: r.total ?? 0, n: Number(r.n) }));
  },
});

export const predictionMean: MetricReader = {
  name: "prediction-mean",
  async read({ db, now, rules }) {
    const longest = Math.max(...rules.map((r) => r.windowSeconds));
    const byMinute = await partials.read(db, { endpoints: [...new Set(rules.map((r) => r.endpointId))], since: new Date(now.getTime() - longest * 1000) });
    const values = new Map<string, number | null>();
    for (const rule of rules) {
      let total = 0;
      let n = 0;
      for (const m of minutesOf(now, rule.windowSeconds)) {
        for (const p of byMinute.get(minuteKey(rule.endpointId, m)) ?? []) {
          if (!matchesTraffic(rule, p)) continue;
          total += p.total;
          n += p.n;
        }
      }
      values.set(rule.id, n ? total / n : null);
    }
    return values;
  },
};
