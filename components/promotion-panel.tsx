"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { getPromotion } from "@/lib/api/contracts/promotions";
import { A, Card, ErrorBox, PageHeader, when } from "./ui";
import { DeploymentProgress } from "./deployment-progress";
import { PromotionStatusBadge, requester, targetHref, targetLabel } from "./promotion-bits";
import { PromotionActions, type Rights } from "./promotion-actions";
import { PromotionHistory } from "./promotion-history";

export type PromotionDetail = ResponseOf<typeof getPromotion>;

/** Moving by itself (the job workers carry it on): poll quickly until it settles. */
const MOVING = new Set(["checking", "approved", "deploying"]);
const BAD = new Set(["blocked", "rejected", "failed", "rolled_back", "stale", "expired"]);

/**
 * One promotion, refreshed while it moves. `rights` and `mine` come from the page (lib/governance's
 * decision rules and the requester); the evidence is rendered on the server and passed as children.
 */
export function PromotionPanel({ team, initial, rights, mine, canCancel, children }: { team: string; initial: PromotionDetail; rights: Rights; mine: boolean; canCancel: boolean; children: React.ReactNode }) {
  const key = ["promotion", team, initial.id];
  const q = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<PromotionDetail>(team, `/api/v1/promotions/${initial.id}`),
    initialData: initial,
    refetchInterval: (query) => (MOVING.has(query.state.data?.status ?? "") ? 1_500 : query.state.data?.status === "pending_approval" ? 10_000 : false),
  });
  const p = q.data;
  const t = p.evidence.target;
  const approvals = p.approvals.filter((a) => a.decision === "approve" && !a.voided).length;
  return (
    <>
      <PageHeader
        title={<>{p.model && p.version ? `${p.model} v${p.version}` : "Routing change"} <span className="text-slate-500">→</span> {targetLabel(p)}</>}
        subtitle={`${p.environment} · requested by ${requester(p)} · ${when(p.createdAt)}`}
        actions={<span data-testid="promotion-status"><PromotionStatusBadge status={p.status} /></span>}
      />
      <div className="space-y-6">
        {p.statusReason && (BAD.has(p.status) ? <ErrorBox message={`${p.status.replaceAll("_", " ")}: ${p.statusReason}`} /> : <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">{p.statusReason}</p>)}
        {q.error && <ErrorBox message={`Could not refresh: ${q.error.message}`} />}
        <div className="grid gap-6 md:grid-cols-2">
          <Card title="Request">
            <dl className="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm [&_dd]:break-words">
              <dt className="text-slate-500">Target</dt><dd><A href={targetHref(team, p)}>{targetLabel(p)}</A></dd>
              <dt className="text-slate-500">Change</dt>
              <dd data-testid="promotion-change">
                {t.kind === "traffic"
                  ? <>{t.live.map((r) => `${r.name} ${r.role === "shadow" ? "shadow" : `${r.weight}%`}`).join(", ") || "no traffic"} <span className="text-slate-500">→</span> {t.requested.map((r) => `${r.name} ${r.role === "shadow" ? "shadow" : `${r.weight}%`}`).join(", ")} <span className="text-slate-500">({t.strategy.replace("_", "-")})</span></>
                  : <>{t.alias}: {t.current ? `v${t.current}` : "unset"} <span className="text-slate-500">→</span> v{t.requested}</>}
              </dd>
              <dt className="text-slate-500">Reason</dt><dd>{p.reason || <span className="text-slate-500">none given</span>}</dd>
              <dt className="text-slate-500">Approvals</dt><dd>{approvals} of {p.requiredApprovals} needed</dd>
              <dt className="text-slate-500">{p.status === "pending_approval" ? "Expires" : "Expiry"}</dt><dd>{when(p.expiresAt)}</dd>
              {p.finishedAt && <><dt className="text-slate-500">Finished</dt><dd>{when(p.finishedAt)}</dd></>}
            </dl>
          </Card>
          <PromotionActions team={team} promotion={p} rights={rights} mine={mine} canCancel={canCancel} queryKey={key} />
        </div>
        {p.deployment ? (
          <DeploymentProgress key={p.deployment.id} team={team} id={p.deployment.id} embedded />
        ) : p.status === "approved" ? (
          <p className="rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm">Approved: the deployment starts as soon as the endpoint is free.</p>
        ) : null}
        {children}
        <PromotionHistory promotion={p} />
      </div>
    </>
  );
}
