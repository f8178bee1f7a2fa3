// error_rate, request_rate, p50_latency_ms and p95_latency_ms, from the per-minute rollups
// (lib/serving/shared/rollups.ts), for every rule of these metrics at once, whatever their number:
// one query sums requests and errors per (endpoint, window) pair in Postgres; the latency rules'
// histograms come from latency-histograms.ts (rows listed, new ones read) and are summed slot by
// slot per layout here, per rule.
//
// A window of W seconds covers the rollup minutes that began in the last W seconds, the current
// (partly ingested) minute included; request_rate is the requests in them divided by W.
import { LAYOUT_BOUNDS, quantileOfLayouts, type LayoutHistograms } from "../../serving/shared/rollups";
import { matchesTraffic, windowsOf, type MetricReader, type RuleTarget } from "./reader";
import { latencyHistograms, type RowHistogram } from "./latency-histograms";

const LATENCY_Q: Partial<Record<RuleTarget["metric"], number>> = { p50_latency_ms: 0.5, p95_latency_ms: 0.95 };

const WINDOWS = `w AS (SELECT * FROM unnest($1::text[], $2::int[]) AS w(e, secs))`;
const IN_WINDOW = (col: string) => `${col} >= (to_timestamp($3::float8 - w.secs) AT TIME ZONE 'UTC') AND ${col} <= (to_timestamp($3::float8) AT TIME ZONE 'UTC')`;

type Totals = { e: string; secs: number; variant: string; shadow: boolean; requests: bigint; errors: bigint };

export const rollupMetrics: MetricReader = {
  name: "rollups",
  async read({ db, now, rules }) {
    const { endpoints, seconds } = windowsOf(rules);
    const nowSec = now.getTime() / 1000;
    const latency = rules.filter((r) => LATENCY_Q[r.metric] !== undefined);
    const lw = windowsOf(latency);
    const maxWindow = Math.max(0, ...lw.seconds);
    const [totals, rows] = await Promise.all([
      db.$queryRawUnsafe<Totals[]>(
        `WITH ${WINDOWS}
         SELECT w.e, w.secs, r.variant, r.shadow, sum(r.count)::bigint AS requests, sum(r.errors)::bigint AS errors
         FROM w JOIN "MetricRollup" r ON r."endpointId" = w.e AND ${IN_WINDOW("r.minute")}
         -- the longest window, as a constant: the minute index then reads only its rows, not every endpoint's history
         WHERE r.minute >= (to_timestamp($3::float8 - $4::int) AT TIME ZONE 'UTC')
         GROUP BY 1, 2, 3, 4`,
        endpoints, seconds, nowSec, Math.max(...seconds),
      ),
      latency.length ? latencyHistograms(db, { endpoints: [...new Set(latency.map((r) => r.endpointId))], since: new Date(now.getTime() - maxWindow * 1000) }) : Promise.resolve([]),
    ]);
    const rowsOf = new Map<string, RowHistogram[]>();
    for (const r of rows) {
      const list = rowsOf.get(r.e);
      if (list) list.push(r);
      else rowsOf.set(r.e, [r]);
    }

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
        const from = now.getTime() - rule.windowSeconds * 1000;
        for (const row of rowsOf.get(rule.endpointId) ?? []) {
          if (row.minute < from || row.minute > now.getTime() || !matchesTraffic(rule, row)) continue;
          const bounds = LAYOUT_BOUNDS[row.hist.layout];
          if (!bounds) continue; // a layout this build does not know (a newer writer mid-deploy)
          let hist = h.get(row.hist.layout);
          if (!hist) h.set(row.hist.layout, (hist = new Array(bounds.length + 1).fill(0)));
          const { slots, counts } = row.hist;
          for (let i = 0; i < slots.length; i++) if (slots[i] <= bounds.length) hist[slots[i]] += counts[i];
        }
        values.set(rule.id, quantileOfLayouts(h, q));
      }
    }
    return values;
  },
};
