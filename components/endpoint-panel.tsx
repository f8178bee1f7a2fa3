"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointMetrics, getEndpoint } from "@/lib/api/contracts/endpoints";
import { Badge, Card, EmptyState, ErrorBox, PageHeader, TableWrap, td, th, when } from "./ui";
import { StatusBadge } from "./status-badge";
import { TrafficEditor } from "./traffic-editor";
import { TrafficChart } from "./traffic-chart";

type Metrics = ResponseOf<typeof endpointMetrics>;

// An endpoint that is gone (deleted while the page is open) stays gone: no retries, no more polling.
const gone = (err: Error | null) => err instanceof ApiFetchError && err.status === 404;
const polling = { retry: (failures: number, err: Error) => !gone(err) && failures < 1, refetchInterval: (q: { state: { error: Error | null } }) => (gone(q.state.error) ? false : 5_000) } as const;

const fmt = (x: number | null, digits = 1) => (x === null ? "—" : x.toFixed(digits));

/** `canChangeTraffic` and `trafficNote` (why not) come from the page, which asks lib/auth/policy.ts. */
export function EndpointPanel({ team, endpoint, canChangeTraffic, trafficNote, gatewayHint }: { team: string; endpoint: string; canChangeTraffic: boolean; trafficNote: string; gatewayHint: string }) {
  const e = useQuery({
    queryKey: ["endpoint", team, endpoint],
    queryFn: () => apiFetch<ResponseOf<typeof getEndpoint>>(team, `/api/v1/endpoints/${endpoint}`),
    ...polling,
  });
  const m = useQuery({ queryKey: ["endpoint-metrics", team, endpoint], queryFn: () => apiFetch<Metrics>(team, `/api/v1/endpoints/${endpoint}/metrics?minutes=15`), ...polling, enabled: !gone(e.error) });

  if (e.isPending) return <p className="text-sm text-slate-500" aria-busy="true">Loading endpoint…</p>;
  if (e.error) return <ErrorBox message={e.error instanceof ApiFetchError && e.error.status === 404 ? `Endpoint "${endpoint}" not found.` : e.error.message} />;
  const ep = e.data;
  const stats = new Map((m.data?.variants ?? []).map((v) => [v.variant, v]));
  const active = ep.deployments.find((d) => d.status === "pending" || d.status === "running");

  return (
    <>
      <PageHeader
        title={ep.name}
        subtitle={<>{ep.environment}{ep.sticky ? ` · sticky on ${ep.sticky.header ? `header ${ep.sticky.header}` : `field ${ep.sticky.field}`}` : ""}{ep.description ? ` · ${ep.description}` : ""}</>}
        actions={<code className="max-w-full truncate rounded bg-slate-100 px-2 py-1 text-xs">POST {gatewayHint}/v2/models/{ep.name}/infer</code>}
      />
      <div className="space-y-6">
        {active && (
          <div className="rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm">
            Deployment in progress: <Link className="font-medium text-indigo-700 underline" href={`/t/${team}/deployments/${active.id}`}>{active.strategy}, {active.status}</Link>
          </div>
        )}
        <Card title="Live variants (last 15 minutes, refreshed every 5 s)">
          {ep.variants.length === 0 ? (
            <EmptyState title="No traffic yet">Set a split below to start serving.</EmptyState>
          ) : (
            <TableWrap>
              <table className="w-full" data-testid="variants-table">
                <thead><tr><th className={th}>Variant</th><th className={th}>Role</th><th className={th}>Weight</th><th className={th}>Device</th><th className={th}>Ready</th><th className={th}>req/s</th><th className={th}>p50 ms</th><th className={th}>p95 ms</th><th className={th}>Errors</th></tr></thead>
                <tbody>
                  {ep.variants.map((v) => {
                    const s = stats.get(v.name);
                    return (
                      <tr key={v.name}>
                        <td className={td}>
                          <Link className="font-medium text-indigo-700 hover:underline" href={`/t/${team}/models/${v.model}/versions/${v.version}`}>{v.name}</Link>
                          {v.unbatchedReason && <p className="mt-0.5 max-w-xs text-xs text-amber-700" data-testid="unbatched-note">Batching off: {v.unbatchedReason}</p>}
                        </td>
                        <td className={td}><Badge tone={v.role === "shadow" ? "slate" : v.role === "canary" ? "amber" : "indigo"}>{v.role}</Badge></td>
                        <td className={`${td} tabular-nums`}>{v.role === "shadow" ? "copy" : `${v.weight}%`}</td>
                        <td className={td}>{v.device}</td>
                        <td className={td}>{v.readyReplicas}/{v.replicas}</td>
                        <td className={`${td} tabular-nums`}>{s ? s.requestsPerSecond.toFixed(2) : "0"}</td>
                        <td className={`${td} tabular-nums`}>{fmt(s?.p50Ms ?? null, 0)}</td>
                        <td className={`${td} tabular-nums`}>{fmt(s?.p95Ms ?? null, 0)}</td>
                        <td className={`${td} tabular-nums ${s && s.errorRate > 0.01 ? "font-semibold text-red-700" : ""}`}>{s ? `${(s.errorRate * 100).toFixed(1)}%` : "—"}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          )}
          {m.data && m.data.shadows.length > 0 && (
            <div className="mt-4 space-y-1 text-sm" data-testid="shadow-comparison">
              {m.data.shadows.map((sh) => (
                <p key={sh.variant}>
                  Shadow <span className="font-medium">{sh.variant}</span> vs served answers over {sh.compared} requests: {sh.meanAbsDiff === null && sh.equalShare !== null ? `${(sh.equalShare * 100).toFixed(1)}% equal` : `mean |Δ| ${fmt(sh.meanAbsDiff, 4)}, max |Δ| ${fmt(sh.maxAbsDiff, 4)}`}
                </p>
              ))}
            </div>
          )}
          {m.data && m.data.series.length > 0 && <TrafficChart series={m.data.series} />}
        </Card>
        {ep.environment === "production" && (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm" data-testid="promotion-note">
            A production endpoint changes through a promotion: a new split waits for the approvals and checks of the <Link className="font-medium text-indigo-700 underline" href={`/t/${team}/policies`}>production policy</Link>, then rolls out by itself. <Link className="font-medium text-indigo-700 underline" href={`/t/${team}/promotions?view=open`}>Open promotions</Link>
          </p>
        )}
        {canChangeTraffic ? (
          <TrafficEditor team={team} endpoint={ep.name} current={ep.variants} disabled={Boolean(active)} />
        ) : (
          <Card title="Traffic split"><p className="text-sm text-slate-500">{trafficNote}</p></Card>
        )}
        <Card title="Deployments">
          {ep.deployments.length === 0 ? <p className="text-sm text-slate-500">None yet.</p> : (
            <TableWrap>
              <table className="w-full">
                <thead><tr><th className={th}>When</th><th className={th}>Strategy</th><th className={th}>Status</th><th className={th}>To</th><th className={th}>By</th><th className={th}>Why</th></tr></thead>
                <tbody>
                  {ep.deployments.map((d) => (
                    <tr key={d.id}>
                      <td className={td}><Link className="text-indigo-700 hover:underline" href={`/t/${team}/deployments/${d.id}`}>{when(d.createdAt)}</Link></td>
                      <td className={td}>{d.strategy.replace("_", "-")}</td>
                      <td className={td}><StatusBadge status={d.status} /></td>
                      <td className={td}>{d.to.map((v) => `${v.name}${v.role === "shadow" ? " (shadow)" : ` ${v.weight}%`}`).join(", ")}</td>
                      <td className={td}>{d.createdBy}</td>
                      <td className={`${td} max-w-xs truncate`} title={d.rollbackReason ?? d.error ?? d.reason}>{d.rollbackReason ?? d.error ?? d.reason ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Card>
      </div>
    </>
  );
}
