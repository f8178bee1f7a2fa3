"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLORS = ["#4f46e5", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"];
const MINUTE = 60_000;

/**
 * Requests per minute per variant. Every minute from the first one with traffic to now is drawn, and a
 * variant without requests in a minute is drawn at 0: a gap is silence, not a line interpolated across it,
 * and a variant that served in one minute only still shows (as a point).
 */
export function TrafficChart({ series, now = Date.now() }: { series: { minute: string; variant: string; requests: number }[]; now?: number }) {
  const variants = [...new Set(series.map((s) => s.variant))];
  const counts = new Map(series.map((s) => [`${Date.parse(s.minute)}|${s.variant}`, s.requests]));
  const times = series.map((s) => Date.parse(s.minute)).filter(Number.isFinite);
  const rows: Record<string, number | string>[] = [];
  if (times.length) {
    const last = Math.max(Math.max(...times), Math.floor(now / MINUTE) * MINUTE);
    for (let t = Math.min(...times); t <= last && rows.length < 24 * 60; t += MINUTE) {
      const row: Record<string, number | string> = { minute: new Date(t).toISOString().slice(11, 16) };
      for (const v of variants) row[v] = counts.get(`${t}|${v}`) ?? 0;
      rows.push(row);
    }
  }
  return (
    <div className="mt-4 h-56 w-full" aria-label="requests per minute by variant">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ left: 0, right: 10 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="minute" fontSize={11} />
          <YAxis fontSize={11} allowDecimals={false} label={{ value: "req/min", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {variants.map((v, i) => <Line key={v} type="linear" dataKey={v} stroke={COLORS[i % COLORS.length]} dot={rows.length <= 2 ? { r: 3 } : false} isAnimationActive={false} />)}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
