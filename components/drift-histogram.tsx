"use client";
// One column's reference and current distributions overlaid on the same bins (shares of each side's
// rows with a value). Reference in grey, the window in the version's colour.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { FeatureHistogram } from "@/lib/monitoring/drift/feature-histograms";
import { stat } from "@/lib/web/drift-words";

export const REFERENCE_FILL = "#94a3b8";

/** A bin's edge, short: 4 significant digits. */
const edge = (v: number) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(4)).toLocaleString("en-US"));

export function DriftHistogram({ name, histogram, color }: { name: string; histogram: FeatureHistogram; color: string }) {
  const labels = histogram.kind === "numeric"
    ? histogram.reference.map((_, i) => `${edge(histogram.edges[i])} – ${edge(histogram.edges[i + 1])}`)
    : histogram.labels;
  const rows = labels.map((label, i) => ({ label, reference: histogram.reference[i] * 100, current: histogram.current[i] * 100 }));
  const title = histogram.kind === "numeric" ? `${name}: ${labels.length} equal-width bins` : `${name}: ${labels.length} commonest categories`;
  if (!rows.length) return <p className="text-sm text-slate-500">No values on either side to draw.</p>;
  const peak = rows.reduce((m, r) => Math.max(m, Math.abs(r.reference - r.current)), 0);
  return (
    <figure className="min-w-0" data-testid={`histogram-${name}`}>
      <figcaption className="sr-only">{title}, share of rows (%), reference and current</figcaption>
      <div className="h-44 w-full" role="img" aria-label={`${title}. Share of rows in percent, reference data against the window; the largest difference in one bin is ${stat(peak)} points.`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ left: 0, right: 8, top: 4, bottom: 0 }} barGap={0} barCategoryGap="12%">
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" fontSize={10} interval="preserveStartEnd" minTickGap={16} tickFormatter={(l: string) => (histogram.kind === "numeric" ? l.split(" – ")[0] : l.length > 12 ? `${l.slice(0, 11)}…` : l)} />
            <YAxis fontSize={10} width={40} tickFormatter={(v: number) => `${Math.round(v)}%`} label={{ value: "% of rows", angle: -90, position: "insideLeft", fontSize: 10, fill: "#64748b", dy: 30 }} />
            <Tooltip formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)}% of rows` : "—")} />
            <Legend wrapperStyle={{ fontSize: 11 }} formatter={(value: string) => <span className="text-slate-700">{value}</span>} />
            <Bar name="reference" dataKey="reference" fill={REFERENCE_FILL} isAnimationActive={false} />
            <Bar name="current window" dataKey="current" fill={color} fillOpacity={0.85} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
