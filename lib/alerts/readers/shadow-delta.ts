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
import { byEndpoint, minuteKey, minuteOf, minutePartials, minutesOf, type MinuteKey } from "./minute-partials";
import { comparePair, pairOf, readWindow, servedFor } from "../../serving/shared/prediction-log/read-window";

type Partial = { variant: string; numbers: number; diff: number; comparable: number; differ: number };

const partials = minutePartials<Partial>({
  span: 1,
  async readMinutes(db, minutes) {
    const out: (Partial & MinuteKey)[] = [];
    for (const [e, [first, last]] of byEndpoint(minutes)) {
      const shadows = (await readWindow(db, { endpointId: e, from: first * 1000, to: (last + 60) * 1000, kind: "shadow" }))
        .filter((r) => r.sh && r.s === 200);
      if (!shadows.length) continue;
      // a served answer logged up to a minute before or after its shadow copy's minute
      const served = await servedFor(db, e, shadows, (first - 60) * 1000, (last + 120) * 1000);
      const sums = new Map<string, Partial & MinuteKey>();
      for (const s of shadows) {
        const m = minuteOf(s.t);
        // the served answer nearest its shadow copy among those logged a minute either side of its minute
        const p = pairOf(s, served.get(s.id)?.filter((x) => x.t >= (m - 60) * 1000 && x.t < (m + 120) * 1000), Infinity);
        if (!p) continue;
        const k = `${m}|${s.v}`;
        let a = sums.get(k);
        if (!a) sums.set(k, (a = { e, m, variant: s.v, numbers: 0, diff: 0, comparable: 0, differ: 0 }));
        const c = comparePair(s, p);
        if (c.numbers) {
          a.numbers++;
          a.diff += c.diff;
        }
        if (c.comparable) {
          a.comparable++;
          if (!c.equal) a.differ++;
        }
      }
      out.push(...sums.values());
    }
    return out;
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
