"use client";
// The metric of an incident's rule around the incident, from the endpoint metrics API (the per-minute
// rollups, the same series as the endpoint's charts): ten minutes either side, the rule's threshold as
// a reference line, the incident shaded. Metrics read elsewhere (the prediction log, drift reports,
// labels) have no series there: the incident's values say what there is.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import { variantColor } from "@/lib/web/version-color";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointMetrics } from "@/lib/api/contracts/endpoints";
import type { TeamAlerts } from "@/lib/alerts/list-team-alerts";
import { TrafficChart, type ChartLine } from "./traffic-chart";
import { formatMs } from "./endpoint-charts";

type Metrics = ResponseOf<typeof endpointMetrics>;
type Point = Metrics["series"][number];
type Rule = TeamAlerts["rules"][number];
type Incident = TeamAlerts["incidents"][number];

const MARGIN = 10 * 60_000;
const DAY_MINUTES = 24 * 60;

/** How each rollup metric reads from the metrics API, in the units the chart shows (and the threshold scaled alike). */
export const ROLLUP_SERIES: Record<string, { title: string; unit: string; value: (p: Point) => number | null; scale: number; format: (v: number) => string }> = {
  error_rate: { title: "Error rate", unit: "% of requests answered 5xx", value: (p) => p.errorRate * 100, scale: 100, format: (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1)) },
  request_rate: { title: "Requests per second", unit: "req/s", value: (p) => p.requestsPerSecond, scale: 1, format: (v) => (v >= 10 ? v.toFixed(1) : v.toFixed(2)) },
  p50_latency_ms: { title: "p50 latency", unit: "ms", value: (p) => p.p50Ms, scale: 1, format: formatMs },
  p95_latency_ms: { title: "p95 latency", unit: "ms", value: (p) => p.p95Ms, scale: 1, format: formatMs },
};

export function IncidentChart({ team, rule, incident, now }: { team: string; rule: Rule; incident: Incident; now: number }) {
  const series = ROLLUP_SERIES[rule.metric];
  const start = Date.parse(incident.firingAt ?? incident.startedAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
  const from = Date.parse(incident.startedAt) - MARGIN;
  // the metrics API answers ranges that end now: the last N minutes up to a day, else the 7-day range (hourly)
  const minutes = Math.ceil((now - from) / 60_000) + 1;
  const query = minutes <= DAY_MINUTES ? `minutes=${minutes}` : "range=7d";
  const tooOld = now - from > 7 * 86_400_000;
  const m = useQuery({
    queryKey: ["incident-metrics", team, rule.endpoint, query],
    queryFn: () => apiFetch<Metrics>(team, `/api/v1/endpoints/${rule.endpoint}/metrics?${query}`),
    enabled: !!series && !tooOld,
    staleTime: 30_000,
  });
  if (!series) return <p className="text-xs text-slate-500">No chart: {rule.metric} is not in the per-minute rollups the charts read; the values above are the incident&apos;s.</p>;
  if (tooOld) return <p className="text-xs text-slate-500">No chart: the charts keep 7 days of traffic.</p>;
  if (m.error) return <p className="text-xs text-red-700">Chart not loaded: {m.error.message}</p>;
  if (!m.data) return <p className="text-xs text-slate-500" aria-busy="true">Loading chart…</p>;
  const byVariant = new Map<string, (number | null)[]>();
  for (const p of m.data.series) {
    if (rule.variant ? p.variant !== rule.variant : p.traffic !== "served") continue;
    const values = byVariant.get(p.variant) ?? [];
    values.push(series.value(p));
    byVariant.set(p.variant, values);
  }
  const lines: ChartLine[] = [...byVariant].map(([variant, values]) => ({ key: variant, label: variant, color: variantColor(variant), values }));
  return (
    <TrafficChart
      title={`${series.title} on ${rule.endpoint}`} unit={series.unit} format={series.format} lines={lines}
      buckets={m.data.buckets} until={m.data.until} from={from} to={Math.min(now, end + MARGIN)}
      threshold={rule.threshold * series.scale}
      spans={[{ from: start, to: end, label: incident.state === "resolved" ? "incident" : incident.state, tone: incident.state === "resolved" ? "resolved" : "firing" }]}
      testId={`incident-chart-${incident.id}`}
    />
  );
}
