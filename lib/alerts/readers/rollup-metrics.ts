// error_rate, request_rate, p50_latency_ms and p95_latency_ms, from the per-minute rollups
// (lib/serving/shared/rollups.ts). Two queries per cycle for every rule of these metrics, whatever
// their number: the totals, and the latency histograms summed slot by slot per layout (only when a
// latency rule exists). Each (endpoint, window) pair is summed in Postgres, so only sums come back.
//
// A window of W seconds covers the rollup minutes that began in the last W seconds, the current
// (partly ingested) minute included; request_rate is the requests in them divided by W.
import { LAYOUT_BOUNDS, quantileOfLayouts, type LayoutHistograms } from "../../serving/shared/rollups";
import { matchesTraffic, windowsOf, type MetricReader, type RuleTarget } from "./reader";

const LATENCY_Q: Partial<Record<RuleTarget["metric"], number>> = { p50_latency_ms: 0.5, p95_latency_ms: 0.95 };

const WINDOWS = `w AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(e, secs))`;
const IN_WINDOW = (col: string) => `${col} >= (to_timestamp($3::float8 - w.secs) AT TIME ZONE 'UTC') AND ${col} <= (to_timestamp($3::float8) AT TIME ZONE 'UTC')`;

type Totals = { e: string; secs: number; variant: string; shadow: boolean; requests: bigint; errors: bigint };
type Slot = { e: string; secs: number; variant: string; shadow: boolean; layout: number; slot: number; n: bigint };

export const rollupMetrics: MetricReader = {
  name: "rollups",
  async read({ db, now, rules }) {
    const { endpoints, seconds } = windowsOf(rules);
    const nowSec = now.getTime() / 1000;
    const latency = rules.filter((r) => LATENCY_Q[r.metric] !== undefined);
    const lw = windowsOf(latency);
    const maxWindow = Math.max(0, ...lw.seconds);
    const [totals, slots] = await Promise.all([
      db.$queryRawUnsafe<Totals[]>(
        `WITH ${WINDOWS}
         SELECT w.e, w.secs, r.variant, r.shadow, sum(r.count)::bigint AS requests, sum(r.errors)::bigint AS errors
         FROM w JOIN "MetricRollup" r ON r."endpointId" = w.e AND ${IN_WINDOW("r.minute")}
         GROUP BY 1, 2, 3, 4`,
        endpoints, seconds, nowSec,
      ),
      latency.length
        // every row of the longest window is unnested once, then its non-empty slots joined to each
        // window of its endpoint (a few dozen slots, not 463, per row and window)
        ? db.$queryRawUnsafe<Slot[]>(
          `WITH ${WINDOWS},
           r AS (SELECT r."endpointId" AS e, r.variant, r.shadow, r.minute, r."latencyLayout" AS layout, r."latencyBuckets" AS b
                 FROM "MetricRollup" r
                 WHERE r."endpointId" = ANY($4::text[]) AND r.minute >= (to_timestamp($3::float8 - $5::int) AT TIME ZONE 'UTC') OFFSET 0),
           s AS (SELECT r.e, r.variant, r.shadow, r.minute, r.layout, (u.i - 1)::int AS slot, u.n
                 FROM r CROSS JOIN LATERAL unnest(r.b) WITH ORDINALITY AS u(n, i) WHERE u.n <> 0)
           SELECT w.e, w.secs, s.variant, s.shadow, s.layout, s.slot, sum(s.n)::bigint AS n
           FROM s JOIN w ON w.e = s.e AND ${IN_WINDOW("s.minute")}
           GROUP BY 1, 2, 3, 4, 5, 6`,
          lw.endpoints, lw.seconds, nowSec, [...new Set(lw.endpoints)], maxWindow,
        )
        : Promise.resolve([] as Slot[]),
    ]);

    const byWindow = <T extends { e: string; secs: number }>(rows: T[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) {
        const k = `${r.e}|${r.secs}`;
        const list = m.get(k);
        if (list) list.push(r);
        else m.set(k, [r]);
      }
      return m;
    };
    const totalsOf = byWindow(totals);
    const slotsOf = byWindow(slots);

    const values = new Map<string, number | null>();
    for (const rule of rules) {
      const k = `${rule.endpointId}|${rule.windowSeconds}`;
      const mine = (totalsOf.get(k) ?? []).filter((g) => matchesTraffic(rule, g));
      const requests = mine.reduce((a, g) => a + Number(g.requests), 0);
      const errors = mine.reduce((a, g) => a + Number(g.errors), 0);
      const q = LATENCY_Q[rule.metric];
      if (rule.metric === "request_rate") values.set(rule.id, requests / rule.windowSeconds);
      else if (rule.metric === "error_rate") values.set(rule.id, requests ? errors / requests : null);
      else if (q !== undefined) {
        const h: LayoutHistograms = new Map();
        for (const s of slotsOf.get(k) ?? []) {
          if (!matchesTraffic(rule, s)) continue;
          const bounds = LAYOUT_BOUNDS[s.layout];
          if (!bounds || s.slot > bounds.length) continue; // a layout this build does not know (a newer writer mid-deploy)
          let hist = h.get(s.layout);
          if (!hist) h.set(s.layout, (hist = new Array(bounds.length + 1).fill(0)));
          hist[s.slot] += Number(s.n);
        }
        values.set(rule.id, quantileOfLayouts(h, q));
      }
    }
    return values;
  },
};
