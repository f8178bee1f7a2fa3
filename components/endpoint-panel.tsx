"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointMetrics, getEndpoint } from "@/lib/api/contracts/endpoints";
import { Badge, Card, EmptyState, ErrorBox, PageHeader, TableWrap, td, th } from "./ui";
import { TrafficEditor } from "./traffic-editor";
import { EndpointCharts, formatMs } from "./endpoint-charts";
import { variantColor } from "@/lib/web/version-color";
import { DeploymentList } from "./deployment-list";

type Metrics = ResponseOf<typeof endpointMetrics>;

// An endpoint that is gone (deleted while the page is open) stays gone: no retries, no more polling.
const gone = (err: Error | null) => err instanceof ApiFetchError && err.status === 404;
const polling = { retry: (failures: number, err: Error) => !gone(err) && failures < 1, refetchInterval: (q: { state: { error: Error | null } }) => (gone(q.state.error) ? false : 5_000) } as const;

const fmt = (x: number | null, digits = 1) => (x === null ? "—" : x.toFixed(digits));

/** `canChangeTraffic` and `trafficNote` (why not) come from the page, which asks lib/auth/policy.ts. */
/** `deploy`: a version to add as a canary (from a version page's "Deploy this version"). */
export function EndpointPanel({ team, endpoint, canChangeTraffic, trafficNote, gatewayHint, deploy = null }: {
  team: string; endpoint: string; canChangeTraffic: boolean; trafficNote: string; gatewayHint: string; deploy?: { model: string; version: number } | null;
}) {
  const e = useQuery({
    queryKey: ["endpoint", team, endpoint],
    queryFn: () => apiFetch<ResponseOf<typeof getEndpoint>>(team, `/api/v1/endpoints/${endpoint}`),
    ...polling,
  });
  const m = useQuery({ queryKey: ["endpoint-metrics", team, endpoint], queryFn: () => apiFetch<Metrics>(team, `/api/v1/endpoints/${endpoint}/metrics?minutes=15`), ...polling, enabled: !gone(e.error) });

  if (e.isPending) return <p className="text-sm text-slate-500" aria-busy="true">Loading endpoint…</p>;
  if (e.error) return <ErrorBox message={e.error instanceof ApiFetchError && e.error.status === 404 ? `Endpoint "${endpoint}" not found.` : e.error.message} />;
  const ep = e.data;
  // a variant's row shows what it did in its role: answers served, or copies received as a shadow
  const stats = new Map((m.data?.variants ?? []).map((v) => [`${v.variant}|${v.traffic}`, v]));
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
                <thead><tr><th className={th}>Variant</th><th className={th}>Role</th><th className={th}>Weight</th><th className={th}>Device</th><th className={th}>Ready</th><th className={th}>req/s</th><th className={th}>p50 ms</th><th className={th}>p95 ms</th><th className={th}>p99 ms</th><th className={th}>Errors</th></tr></thead>
                <tbody>
                  {ep.variants.map((v) => {
                    const s = stats.get(`${v.name}|${v.role === "shadow" ? "shadow" : "served"}`);
                    return (
                      <tr key={v.name}>
                        <td className={td}>
                          <span aria-hidden="true" className="mr-1.5 inline-block h-2.5 w-2.5 rounded-full" style={{ backgroundColor: variantColor(v.name) }} />
                          <Link className="font-medium text-indigo-700 hover:underline" href={`/t/${team}/models/${v.model}/versions/${v.version}`}>{v.name}</Link>
                          {v.unbatchedReason && <p className="mt-0.5 max-w-xs text-xs text-amber-700" data-testid="unbatched-note">Batching off: {v.unbatchedReason}</p>}
                        </td>
                        <td className={td}><Badge tone={v.role === "shadow" ? "slate" : v.role === "canary" ? "amber" : "indigo"}>{v.role}</Badge></td>
                        <td className={`${td} tabular-nums`}>{v.role === "shadow" ? "copy" : `${v.weight}%`}</td>
                        <td className={td}>{v.device}{v.placement === "inline" ? " · inline" : ""}</td>
                        <td className={td}>{v.readyReplicas}/{v.replicas}</td>
                        <td className={`${td} tabular-nums`}>{s ? s.requestsPerSecond.toFixed(2) : "0"}</td>
                        <td className={`${td} tabular-nums`}>{s?.p50Ms == null ? "—" : formatMs(s.p50Ms)}</td>
                        <td className={`${td} tabular-nums`}>{s?.p95Ms == null ? "—" : formatMs(s.p95Ms)}</td>
                        <td className={`${td} tabular-nums`}>{s?.p99Ms == null ? "—" : formatMs(s.p99Ms)}</td>
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
        </Card>
        <EndpointCharts team={team} endpoint={ep.name} />
        {ep.environment === "production" && (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm" data-testid="promotion-note">
            A production endpoint changes through a promotion: a new split waits for the approvals and checks of the <Link className="font-medium text-indigo-700 underline" href={`/t/${team}/policies`}>production policy</Link>, then rolls out by itself. <Link className="font-medium text-indigo-700 underline" href={`/t/${team}/promotions?view=open`}>Open promotions</Link>
          </p>
        )}
        {canChangeTraffic ? (
          <TrafficEditor team={team} endpoint={ep.name} current={ep.variants} routingVersion={ep.routingVersion} disabled={Boolean(active)} deploy={deploy} />
        ) : (
          <Card title="Traffic split"><p className="text-sm text-slate-500">{trafficNote}</p></Card>
        )}
        <DeploymentList team={team} ep={ep} canRollBack={canChangeTraffic} busy={Boolean(active)} />
      </div>
    </>
  );
}
