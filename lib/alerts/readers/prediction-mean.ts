// prediction_mean: the mean of the numbers in the first output of the answers logged in the window
// (served answers; a rule naming a variant reads that variant's, shadow copies included), over the
// minutes that began in the last W seconds, like the rollup metrics. Read from the prediction log as
// per-minute sums kept between cycles (minute-partials.ts): each cycle reads the log's blocks of the
// minutes that changed only. No numeric output in the window: no data.
import { matchesTraffic, type MetricReader } from "./reader";
import { byEndpoint, minuteKey, minuteOf, minutePartials, minutesOf, type MinuteKey } from "./minute-partials";
import { firstOutput, readWindow } from "../../serving/shared/prediction-log/read-window";

type Partial = { variant: string; shadow: boolean; total: number; n: number };

const partials = minutePartials<Partial>({
  span: 0,
  async readMinutes(db, minutes) {
    const out: (Partial & MinuteKey)[] = [];
    for (const [e, [first, last]] of byEndpoint(minutes)) {
      const sums = new Map<string, Partial & MinuteKey>();
      for (const r of await readWindow(db, { endpointId: e, from: first * 1000, to: (last + 60) * 1000 })) {
        const m = minuteOf(r.t);
        const values = r.s === 200 ? firstOutput(r) : null;
        if (!values) continue;
        let total = 0;
        let n = 0;
        // NaN and ±Infinity (a model may answer them) would make the mean say nothing
        for (const x of values) if (typeof x === "number" && Number.isFinite(x)) { total += x; n++; }
        if (!n) continue;
        const k = `${m}|${r.v}|${r.sh}`;
        let a = sums.get(k);
        if (!a) sums.set(k, (a = { e, m, variant: r.v, shadow: r.sh, total: 0, n: 0 }));
        a.total += total;
        a.n += n;
      }
      out.push(...sums.values());
    }
    return out;
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
