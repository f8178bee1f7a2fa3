"use client";
// Live figures of the compared versions on the endpoints that route them now or served them in the
// last day (role "earlier"), from the endpoint
// metrics API: requests, p95 latency and error rate per variant, and a shadow's difference from
// what was served (mean |shadow − served|).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import Link from "next/link";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointMetrics } from "@/lib/api/contracts/endpoints";
import { Card, ErrorBox, TableWrap, td, th } from "./ui";

type Metrics = ResponseOf<typeof endpointMetrics>;
const WINDOWS = [{ minutes: 15, label: "15 min" }, { minutes: 60, label: "1 hour" }, { minutes: 24 * 60, label: "24 hours" }];

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`;
const ms = (x: number | null) => (x === null ? "—" : `${x.toFixed(x < 10 ? 1 : 0)} ms`);

export function CompareLive({ team, model, endpoints }: { team: string; model: string; endpoints: { endpoint: string; versions: { number: number; role: string; weight: number }[] }[] }) {
  // a version that is no longer routed may have served hours ago: start with the whole day then
  const [minutes, setMinutes] = useState(endpoints.some((e) => e.versions.some((v) => v.role === "earlier")) ? 24 * 60 : 60);
  return (
    <Card title="Live on endpoints">
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="compare-window" className="text-slate-600">Window</label>
        <select id="compare-window" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} className="rounded-md border border-slate-300 px-2 py-1">
          {WINDOWS.map((w) => <option key={w.minutes} value={w.minutes}>{w.label}</option>)}
        </select>
      </div>
      {endpoints.length === 0
        ? <p className="text-sm text-slate-500">None of these versions is routed by an endpoint now or served traffic in the last day, so there are no live figures to compare.</p>
        : <div className="space-y-4">{endpoints.map((e) => <EndpointFigures key={e.endpoint} team={team} model={model} minutes={minutes} {...e} />)}</div>}
    </Card>
  );
}

function EndpointFigures({ team, model, endpoint, versions, minutes }: { team: string; model: string; endpoint: string; versions: { number: number; role: string; weight: number }[]; minutes: number }) {
  const q = useQuery({
    queryKey: ["endpoint-metrics", team, endpoint, minutes],
    queryFn: () => apiFetch<Metrics>(team, `/api/v1/endpoints/${encodeURIComponent(endpoint)}/metrics?minutes=${minutes}`),
    refetchInterval: 15_000,
  });
  return (
    <div>
      <h3 className="mb-1 text-sm font-medium"><Link className="text-indigo-700 hover:underline" href={`/t/${team}/endpoints/${endpoint}`}>{endpoint}</Link></h3>
      {q.error ? <ErrorBox message={q.error.message} /> : (
        <TableWrap>
          <table className="w-full" data-testid={`live-${endpoint}`}>
            <thead><tr><th className={th}>Version</th><th className={th}>Role</th><th className={th}>Requests</th><th className={th}>p95 latency</th><th className={th}>Error rate</th><th className={th}>Shadow Δ (mean |shadow − served|)</th></tr></thead>
            <tbody>
              {versions.map((v) => {
                const name = `${model}-v${v.number}`;
                const served = q.data?.variants.find((x) => x.variant === name);
                const shadow = q.data?.shadows.find((x) => x.variant === name);
                return (
                  <tr key={v.number}>
                    <td className={td}>v{v.number}</td>
                    <td className={td}>{v.role === "shadow" ? "shadow" : v.role === "earlier" ? "not routed now" : `${v.role} ${v.weight}%`}</td>
                    <td className={`${td} tabular-nums`}>{q.isPending ? "…" : (served?.requests ?? 0).toLocaleString()}</td>
                    <td className={`${td} tabular-nums`}>{q.isPending ? "…" : ms(served?.p95Ms ?? null)}</td>
                    <td className={`${td} tabular-nums`}>{q.isPending ? "…" : served && served.requests ? pct(served.errorRate) : "—"}</td>
                    <td className={`${td} tabular-nums`}>{q.isPending ? "…" : shadow ? (shadow.meanAbsDiff === null ? `${shadow.compared} compared` : `${shadow.meanAbsDiff.toPrecision(3)} over ${shadow.compared}`) : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}
