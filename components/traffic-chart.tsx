"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLORS = ["#4f46e5", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"];

/** Requests per minute per variant. */
export function TrafficChart({ series }: { series: { minute: string; variant: string; requests: number }[] }) {
  const variants = [...new Set(series.map((s) => s.variant))];
  const byMinute = new Map<string, Record<string, number | string>>();
  for (const s of series) {
    const row = byMinute.get(s.minute) ?? { minute: s.minute.slice(11, 16) };
    row[s.variant] = s.requests;
    byMinute.set(s.minute, row);
  }
  return (
    <div className="mt-4 h-56 w-full" aria-label="requests per minute by variant">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={[...byMinute.values()]} margin={{ left: -10, right: 10 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="minute" fontSize={11} />
          <YAxis fontSize={11} allowDecimals={false} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {variants.map((v, i) => <Line key={v} type="monotone" dataKey={v} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} />)}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
