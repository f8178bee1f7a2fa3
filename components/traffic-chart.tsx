"use client";
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ChartLine = { key: string; label: string; color: string; dashed?: boolean; values: (number | null)[] };
/** A stretch of time to shade (an alert incident), from and to in ms. */
export type ChartSpan = { from: number; to: number; label: string; tone: "firing" | "resolved" };

/** Axis labels fitted to the range: times of day up to a day, weekday and hour beyond. */
export function timeLabel(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs > 26 * 3_600_000) return d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
}

/**
 * One metric over time, one line per version. The time axis is continuous from the window's start to
 * now (`until`), whatever the data: every bucket is a point (zeros come from the API), and a null
 * (no requests, so no latency) breaks the line rather than joining across the silence.
 * `threshold`: an alert rule's, as a reference line; `spans`: incidents, shaded; `from`, `to`: a part of
 * the buckets only (a chart around one incident).
 */
export function TrafficChart({ title, unit, buckets, until, lines, format, testId, threshold, spans = [], from, to }: {
  title: string; unit: string; buckets: string[]; until: string; lines: ChartLine[]; format: (v: number) => string; testId?: string;
  threshold?: number; spans?: ChartSpan[]; from?: number; to?: number;
}) {
  const all = buckets.map((b) => Date.parse(b));
  const end = Math.min(Date.parse(until), to ?? Infinity);
  const kept = all.flatMap((t, i) => ((from === undefined || t >= from - 60_000) && t <= end ? [i] : []));
  const times = kept.map((i) => all[i]);
  if (kept.length !== all.length) lines = lines.map((l) => ({ ...l, values: kept.map((i) => l.values[i] ?? null) }));
  const span = times.length ? end - times[0] : 0;
  const rows = times.map((t, i) => {
    const row: Record<string, number | null> = { t };
    for (const l of lines) row[l.key] = l.values[i] ?? null;
    return row;
  });
  return (
    <figure className="min-w-0" data-testid={testId}>
      <figcaption className="mb-1 text-sm font-medium text-slate-700">{title} <span className="font-normal text-slate-500">({unit})</span></figcaption>
      <div className="h-48 w-full" role="img" aria-label={`${title} in ${unit}, ${lines.map((l) => l.label).join(", ") || "no traffic"}${threshold !== undefined ? `, threshold ${format(threshold)}` : ""}${spans.length ? `, ${spans.length} incident${spans.length > 1 ? "s" : ""} shaded` : ""}`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ left: 4, right: 12, top: 4, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="t" type="number" scale="time" domain={times.length ? [times[0], end] : ["auto", "auto"]} tickFormatter={(t: number) => timeLabel(t, span)} fontSize={11} minTickGap={24} />
            <YAxis fontSize={11} width={52} tickFormatter={(v: number) => format(v)} domain={[0, "auto"]} />
            <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(v) => (typeof v === "number" ? `${format(v)} ${unit}` : "—")} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {spans.map((sp, i) => (
              <ReferenceArea key={`span-${i}`} x1={Math.max(sp.from, times[0] ?? sp.from)} x2={Math.min(sp.to, end)} fill={sp.tone === "firing" ? "#fecaca" : "#e2e8f0"} fillOpacity={0.6} ifOverflow="hidden" label={{ value: sp.label, position: "insideTopLeft", fontSize: 10, fill: "#7f1d1d" }} />
            ))}
            {threshold !== undefined && <ReferenceLine y={threshold} stroke="#b91c1c" strokeDasharray="4 2" ifOverflow="extendDomain" label={{ value: `threshold ${format(threshold)}`, position: "insideTopRight", fontSize: 10, fill: "#b91c1c" }} />}
            {lines.map((l) => (
              <Line key={l.key} name={l.label} type="linear" dataKey={l.key} stroke={l.color} strokeDasharray={l.dashed ? "5 3" : undefined} dot={rows.length <= 2 ? { r: 3 } : false} connectNulls={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
