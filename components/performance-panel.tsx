"use client";
// Labelled performance on the endpoint page: the verdict metric per version, hour by hour (one colour per
// version, as on every chart), and the A/B verdict in words. It follows the range picked for the traffic
// charts (one picker a page: a second "Time range" landmark would repeat it); labels are hourly, so 15m,
// 1h and 24h all show the last 24 hours.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import { variantColor } from "@/lib/web/version-color";
import { METRIC_NAMES, verdictWords } from "@/lib/web/verdict-words";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointPerformance } from "@/lib/api/contracts/performance";
import { Card, ErrorBox } from "./ui";
import { TrafficChart } from "./traffic-chart";
import { useRange } from "./time-range-picker";

type Performance = ResponseOf<typeof endpointPerformance>;

const format = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

export function PerformancePanel({ team, endpoint }: { team: string; endpoint: string }) {
  const range = useRange() === "7d" ? "7d" : "24h";
  const q = useQuery({
    queryKey: ["endpoint-performance", team, endpoint, range],
    queryFn: () => apiFetch<Performance>(team, `/api/v1/endpoints/${endpoint}/performance?range=${range}`),
    refetchInterval: 300_000,
    placeholderData: (previous) => previous,
  });
  const p = q.data;
  const name = p ? METRIC_NAMES[p.metric] : "";
  return (
    <Card>
      <section aria-labelledby="performance-title" data-testid="performance-panel">
        <h2 id="performance-title" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Labelled performance, last {range === "7d" ? "7 days" : "24 hours"}</h2>
        {q.error && <ErrorBox message={q.error.message} />}
        {!p && !q.error && <p className="text-sm text-slate-500" aria-busy="true">Loading labelled performance…</p>}
        {p && p.variants.length === 0 && (
          <p className="text-sm text-slate-500">
            No labelled predictions in this range. Send ground truth by request id: <code>POST /api/v1/endpoints/{endpoint}/feedback</code> or <code>switchyard feedback send --endpoint {endpoint} --file labels.jsonl</code>.
          </p>
        )}
        {p && p.variants.length > 0 && (
          <div className={`space-y-3 ${q.isPlaceholderData ? "opacity-60" : ""}`} aria-busy={q.isPlaceholderData}>
            <p className="text-sm text-slate-800" data-testid="performance-verdict">
              {p.verdict ? verdictWords(p.verdict) : p.verdictNote}
            </p>
            <TrafficChart
              title={`${name} per hour of prediction`} unit={p.metric === "mae" || p.metric === "rmse" ? "the label's unit" : p.metric === "log_loss" ? "nats, lower is better" : "0 to 1, higher is better"}
              buckets={p.variants[0].hours.map((h) => h.start)} until={p.to} format={format} testId="chart-performance"
              lines={p.variants.map((v) => ({ key: v.variant, label: `${v.variant} (${v.labelled.toLocaleString("en-US")} labelled)`, color: variantColor(v.variant), dashed: v.shadow, values: v.hours.map((h) => h.metrics[p.metric]) }))}
            />
            <table className="text-sm">
              <caption className="sr-only">{name} per version over the range</caption>
              <thead><tr><th scope="col" className="pr-4 text-left font-medium text-slate-500">Version</th><th scope="col" className="pr-4 text-right font-medium text-slate-500">Labelled</th><th scope="col" className="text-right font-medium text-slate-500">{name}</th></tr></thead>
              <tbody>
                {p.variants.map((v) => (
                  <tr key={v.variant}>
                    <td className="pr-4"><span aria-hidden className="mr-1.5 inline-block h-2.5 w-2.5 rounded-full" style={{ background: variantColor(v.variant) }} />{v.variant}{v.shadow ? " (shadow)" : ""}</td>
                    <td className="pr-4 text-right tabular-nums">{v.labelled.toLocaleString("en-US")}</td>
                    <td className="text-right tabular-nums">{v.metrics[p.metric] === null ? "—" : format(v.metrics[p.metric]!)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {p.rows.truncated && <p className="text-xs text-amber-700">Only the newest {p.rows.cap.toLocaleString("en-US")} labelled predictions were read.</p>}
          </div>
        )}
      </section>
    </Card>
  );
}
