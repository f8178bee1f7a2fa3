"use client";
// The endpoint's traffic over the range in the URL: requests/s, error rate and p50/p95/p99 latency per
// version, served answers and shadow copies in separate charts, each version in its own colour (the same
// on every page: lib/web/version-color.ts).
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import { variantColor } from "@/lib/web/version-color";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointMetrics } from "@/lib/api/contracts/endpoints";
import type { listAlerts } from "@/lib/api/contracts/alerts";
import { Card, ErrorBox } from "./ui";
import { TrafficChart, type ChartLine, type ChartSpan } from "./traffic-chart";
import { RANGE_LABELS, TimeRangePicker, useRange } from "./time-range-picker";

type Metrics = ResponseOf<typeof endpointMetrics>;
type Point = Metrics["series"][number];
type Traffic = Point["traffic"];

/** Latencies to three significant digits: the histograms are no finer (within 2.93%). */
export const formatMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toPrecision(2));
const formatRate = (r: number) => (r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2));
const formatPercent = (p: number) => (p >= 10 ? p.toFixed(0) : p.toFixed(1));

const REFRESH: Record<string, number> = { "15m": 5_000, "1h": 10_000, "24h": 60_000, "7d": 300_000 };

function linesOf(m: Metrics, traffic: Traffic, value: (p: Point) => number | null): ChartLine[] {
  const byVariant = new Map<string, (number | null)[]>();
  for (const p of m.series) {
    if (p.traffic !== traffic) continue;
    const values = byVariant.get(p.variant) ?? [];
    values.push(value(p));
    byVariant.set(p.variant, values);
  }
  return [...byVariant.entries()].map(([variant, values]) => ({ key: variant, label: variant, color: variantColor(variant), dashed: traffic === "shadow", values }));
}

function ChartSet({ m, traffic, spans }: { m: Metrics; traffic: Traffic; spans: ChartSpan[] }) {
  const step = m.stepSeconds >= 3600 ? `${m.stepSeconds / 3600} h` : `${m.stepSeconds / 60} min`;
  const common = { buckets: m.buckets, until: m.until, spans };
  const what = traffic === "served" ? "Served" : "Shadow copies:";
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid={`charts-${traffic}`}>
      <TrafficChart {...common} title={`${what} requests per second`} unit={`req/s, ${step} buckets`} format={formatRate} lines={linesOf(m, traffic, (p) => p.requestsPerSecond)} testId={`chart-${traffic}-rps`} />
      <TrafficChart {...common} title={`${what} error rate`} unit="% of requests answered 5xx" format={formatPercent} lines={linesOf(m, traffic, (p) => p.errorRate * 100)} testId={`chart-${traffic}-errors`} />
      {(["p50Ms", "p95Ms", "p99Ms"] as const).map((q) => (
        <TrafficChart key={q} {...common} title={`${what} ${q.slice(0, 3)} latency`} unit="ms" format={formatMs} lines={linesOf(m, traffic, (p) => p[q])} testId={`chart-${traffic}-${q.slice(0, 3)}`} />
      ))}
    </div>
  );
}

export function EndpointCharts({ team, endpoint }: { team: string; endpoint: string }) {
  const range = useRange();
  const m = useQuery({
    queryKey: ["endpoint-metrics", team, endpoint, range],
    queryFn: () => apiFetch<Metrics>(team, `/api/v1/endpoints/${endpoint}/metrics?range=${range}`),
    refetchInterval: REFRESH[range],
    placeholderData: (previous) => previous,
  });
  // the endpoint's alert incidents, shaded on every chart (from firing, or start, to resolve or now)
  const alerts = useQuery({
    queryKey: ["endpoint-incidents", team, endpoint],
    queryFn: () => apiFetch<ResponseOf<typeof listAlerts>>(team, `/api/v1/alerts?endpoint=${encodeURIComponent(endpoint)}&limit=50`),
    refetchInterval: 30_000,
  });
  const spans: ChartSpan[] = (alerts.data?.incidents ?? []).filter((i) => i.state !== "pending").map((i) => ({
    from: Date.parse(i.firingAt ?? i.startedAt), to: i.resolvedAt ? Date.parse(i.resolvedAt) : Date.now(), label: i.rule ?? "incident", tone: i.state === "resolved" ? "resolved" : "firing",
  }));
  const hasShadow = m.data?.variants.some((v) => v.traffic === "shadow") ?? false;
  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Traffic, last {RANGE_LABELS[range]}</h2>
        <TimeRangePicker />
      </div>
      {m.error && <ErrorBox message={m.error.message} />}
      {!m.data && !m.error && <p className="text-sm text-slate-500" aria-busy="true">Loading charts…</p>}
      {m.data && (
        <div className={`space-y-6 ${m.isPlaceholderData ? "opacity-60" : ""}`} aria-busy={m.isPlaceholderData}>
          {m.data.variants.length === 0 && <p className="text-sm text-slate-500">No requests in this range: the charts below stay at zero until traffic arrives.</p>}
          <ChartSet m={m.data} traffic="served" spans={spans} />
          {hasShadow && (
            <section aria-label="Shadow copies">
              <h3 className="mb-2 text-sm font-semibold text-slate-600">Shadow copies <span className="font-normal text-slate-500">(requests copied to shadow versions; never returned to clients)</span></h3>
              <ChartSet m={m.data} traffic="shadow" spans={spans} />
            </section>
          )}
          {spans.length > 0 && <p className="text-xs text-slate-500">Shaded: alert incidents on this endpoint (red while firing, grey once resolved); see <a className="text-indigo-700 hover:underline" href={`/t/${team}/alerts?endpoint=${encodeURIComponent(endpoint)}`}>Alerts</a>.</p>}
          <p className="text-xs text-slate-500">Latency percentiles come from log-linear histograms (0.1 ms to 60 s): each is within 2.93% of the exact value; 60 000 ms means at least 60 s.</p>
        </div>
      )}
    </Card>
  );
}
