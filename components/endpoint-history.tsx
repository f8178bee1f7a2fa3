"use client";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { apiFetch } from "@/lib/web/api-fetch";
import { revertRequest } from "@/lib/web/revert-request";
import type { ResponseOf } from "@/lib/api/contract";
import type { endpointHistory } from "@/lib/api/contracts/history";
import type { getPolicy } from "@/lib/api/contracts/promotions";
import type { Environment } from "@/lib/serving/shared/environments";
import { Badge, Card, ErrorBox, when } from "./ui";
import { StatusBadge } from "./status-badge";

type History = ResponseOf<typeof endpointHistory>;
type Entry = History["entries"][number];

const PAGE = 20;

function duration(fromIso: string, untilIso: string | null): string {
  const s = Math.max(0, ((untilIso ? Date.parse(untilIso) : Date.now()) - Date.parse(fromIso)) / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

const shareOf = (v: Entry["routing"]["variants"][number]) => `${v.name} ${v.role === "shadow" ? "(shadow)" : `${v.weight}%`}`;
const sameRouting = (a: Entry, b: Entry) => JSON.stringify(a.routing.variants.map(shareOf)) === JSON.stringify(b.routing.variants.map(shareOf));

function ChangeBadge({ e }: { e: Entry }) {
  if (e.change === "canary_step") return <Badge tone="amber">canary {e.percent}%</Badge>;
  if (e.change === "restore") return <Badge tone="slate">put back</Badge>;
  if (e.change === "initial") return <Badge tone="slate">before any deployment</Badge>;
  return <Badge tone="indigo">switch</Badge>;
}

/**
 * What served this endpoint and when, newest first, with who asked, who approved and the outcome.
 * `canRevert` comes from the page (lib/auth/policy.ts's traffic.change): "Revert to this" opens a
 * promotion on a production endpoint, or changes a staging one's traffic at once.
 */
export function EndpointHistory({ team, endpoint, environment, canRevert }: { team: string; endpoint: string; environment: Environment; canRevert: boolean }) {
  const router = useRouter();
  const production = environment === "production";
  const history = useInfiniteQuery({
    queryKey: ["endpoint-history", team, endpoint],
    queryFn: ({ pageParam }) => apiFetch<History>(team, `/api/v1/endpoints/${endpoint}/history?limit=${PAGE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 10_000,
  });
  // a revert that brings back a version must follow the production policy's strategy
  const policy = useQuery({
    queryKey: ["policy", team, "production"],
    queryFn: () => apiFetch<ResponseOf<typeof getPolicy>>(team, "/api/v1/policies/production"),
    enabled: canRevert && production,
  });
  const entries = history.data?.pages.flatMap((p) => p.entries) ?? [];
  const current = entries.find((e) => e.current) ?? null;
  const revert = useMutation({
    mutationFn: async (e: Entry) => {
      const req = revertRequest({
        endpoint, environment, routing: e.routing, servedFrom: e.from,
        live: current?.routing.variants ?? [], requiredStrategy: policy.data?.rules.requiredStrategy ?? null,
      });
      return apiFetch<{ id: string }>(team, req.path, { method: req.method, body: req.body });
    },
    // a production revert is a promotion waiting for approval; a staging one is a deployment
    onSuccess: (r) => router.push(production ? `/t/${team}/promotions/${r.id}` : `/t/${team}/deployments/${r.id}`),
  });
  const revertable = (e: Entry) => canRevert && !e.current && e.change !== "canary_step" && !(current && sameRouting(e, current));

  function onRevert(e: Entry) {
    const what = e.routing.variants.map(shareOf).join(", ");
    const how = production ? "This opens a promotion that the release policy gates." : "This changes the traffic at once.";
    if (confirm(`Revert ${endpoint} to ${what}? ${how}`)) revert.mutate(e);
  }

  return (
    <div className="mt-6">
      <Card title="History: what served, and when">
        {history.isPending ? <p className="text-sm text-slate-500">Loading…</p> : history.error ? <ErrorBox message={history.error.message} /> : entries.length === 0 ? (
          <p className="text-sm text-slate-500">Nothing has served on this endpoint yet.</p>
        ) : (
          <>
            {revert.error && <div className="mb-3"><ErrorBox message={`Could not revert: ${revert.error.message}`} /></div>}
            {policy.error && <div className="mb-3"><ErrorBox message={`Could not read the production policy, so reverting is off: ${policy.error.message}`} /></div>}
            <ol className="relative space-y-4 border-l border-slate-200 pl-5" data-testid="endpoint-history">
              {entries.map((e) => (
                <li key={e.id} className="relative" data-testid="history-entry">
                  <span className={`absolute -left-[26px] top-1.5 h-2.5 w-2.5 rounded-full ${e.current ? "bg-green-500" : "bg-slate-300"}`} aria-hidden />
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="font-medium tabular-nums">{when(e.from)} → {e.until ? when(e.until) : "now"}</span>
                    <span className="text-slate-500">({duration(e.from, e.until)})</span>
                    {e.current && <Badge tone="green">serving now</Badge>}
                    <ChangeBadge e={e} />
                  </div>
                  <p className="mt-1 text-sm">{e.routing.variants.map(shareOf).join(" · ")}</p>
                  <div className="mt-1 space-y-0.5 text-xs text-slate-600">
                    {e.deployment ? (
                      <p className="flex flex-wrap items-center gap-1.5">
                        <Link className="text-indigo-700 hover:underline" href={`/t/${team}/deployments/${e.deployment.id}`}>{e.deployment.strategy.replace("_", "-")} deployment</Link>
                        <StatusBadge status={e.deployment.status} />
                        {e.deployment.outcomeReason && <span className="text-red-700">{e.deployment.outcomeReason}</span>}
                        {e.change === "restore" && <span>— the routing from before it, put back</span>}
                      </p>
                    ) : <p>Served before any recorded deployment.</p>}
                    {e.requestedBy && <p>Asked by {e.requestedBy}{e.onBehalfOf ? ` (for ${e.onBehalfOf})` : ""}{e.deployment?.reason ? `: ${e.deployment.reason}` : ""}</p>}
                    {e.promotionId && (
                      <p>
                        {e.approvedBy.length ? <>Approved by {e.approvedBy.map((a, i) => <span key={a.by}>{i ? ", " : ""}{a.by}{a.comment ? ` (“${a.comment}”)` : ""}</span>)}</> : "Approved by policy (no approvals needed)"}
                        {" · "}<Link className="text-indigo-700 hover:underline" href={`/t/${team}/promotions/${e.promotionId}`}>promotion</Link>
                      </p>
                    )}
                  </div>
                  {revertable(e) && (
                    <button
                      type="button" data-testid="revert-button" onClick={() => onRevert(e)}
                      disabled={revert.isPending || (production && !policy.data)}
                      className="mt-2 rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
                    >
                      Revert to this{production ? " (opens a promotion)" : ""}
                    </button>
                  )}
                </li>
              ))}
            </ol>
            {history.hasNextPage && (
              <button type="button" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage} className="mt-4 text-sm font-medium text-indigo-700 hover:underline disabled:opacity-50">
                {history.isFetchingNextPage ? "Loading…" : "Older routings"}
              </button>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
