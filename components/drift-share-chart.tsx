"use client";
// Dataset drift share over time, one point per finished report at the end of its window, one line per
// reference version (its colour from lib/web/version-color.ts), and the endpoint's threshold as a line.
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { versionColor } from "@/lib/web/version-color";
import { sharePercent, type DriftReportListItem } from "@/lib/web/drift-words";
import { timeLabel } from "./traffic-chart";

export function DriftShareChart({ reports, threshold }: { reports: DriftReportListItem[]; threshold: number | null }) {
  const done = reports.filter((r) => r.status === "succeeded" && r.datasetDrift?.share !== null && r.datasetDrift?.share !== undefined);
  const lines = new Map<string, { label: string; color: string }>();
  const rows = done
    .map((r) => {
      const key = `${r.reference.model}-v${r.reference.version}`;
      lines.set(key, { label: `${r.reference.model} v${r.reference.version}`, color: versionColor(r.reference.model, r.reference.version) });
      return { t: Date.parse(r.to), [key]: r.datasetDrift!.share };
    })
    .sort((a, b) => a.t - b.t);
  const span = rows.length ? rows[rows.length - 1].t - rows[0].t : 0;
  const title = "Dataset drift share per report";
  return (
    <figure className="min-w-0" data-testid="chart-drift-share">
      <figcaption className="mb-1 text-sm font-medium text-slate-700">{title} <span className="font-normal text-slate-500">(% of tested columns that drifted, at the end of each report&apos;s window)</span></figcaption>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No finished report with tested columns yet.</p>
      ) : (
        <div className="h-44 w-full" role="img" aria-label={`${title}: ${rows.length} reports, ${[...lines.values()].map((l) => l.label).join(", ")}; latest ${sharePercent(done[0].datasetDrift!.share)}`}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ left: 4, right: 12, top: 4, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={(t: number) => timeLabel(t, span)} fontSize={11} minTickGap={24} />
              <YAxis fontSize={11} width={44} domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
              <Tooltip labelFormatter={(t) => `window ending ${new Date(Number(t)).toLocaleString()}`} formatter={(v) => (typeof v === "number" ? sharePercent(v) : "—")} />
              <Legend wrapperStyle={{ fontSize: 12 }} formatter={(value: string) => <span className="text-slate-700">{value}</span>} />
              {threshold !== null && <ReferenceLine y={threshold} stroke="#b45309" strokeDasharray="4 3" label={{ value: `drifted at ${sharePercent(threshold)}`, fontSize: 11, fill: "#b45309", position: "insideTopRight" }} />}
              {[...lines].map(([key, l]) => (
                <Line key={key} name={l.label} type="linear" dataKey={key} stroke={l.color} dot={{ r: 2.5 }} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
