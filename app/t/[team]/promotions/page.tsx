import Link from "next/link";
import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { allowed } from "@/lib/auth/policy";
import { AppError } from "@/lib/errors";
import { listPromotions } from "@/lib/governance/list-promotions";
import { listAwaitingDecision } from "@/lib/governance/awaiting-decision";
import { OPEN_STATUSES } from "@/lib/governance/promotion-status";
import { A, Card, EmptyState, ErrorBox, PageHeader, TableWrap, td, th, when } from "@/components/ui";
import { PromotionStatusBadge, requester, span, targetHref, targetLabel, type PromotionRow } from "@/components/promotion-bits";

const VIEWS = { waiting: "Waiting for me", open: "Open", all: "All" } as const;
type View = keyof typeof VIEWS;

export default async function PromotionsPage({ params, searchParams }: { params: Promise<{ team: string }>; searchParams: Promise<{ view?: string; cursor?: string }> }) {
  const { team } = await params;
  const query = await searchParams;
  const me = await requireMember(team, "promotion.read");
  const { db } = getServices();
  const canDecide = allowed(me, "promotion.decide");
  const view: View = query.view && query.view in VIEWS ? (query.view as View) : canDecide ? "waiting" : "open";
  const cursor = typeof query.cursor === "string" && view !== "waiting" ? query.cursor : undefined;

  let rows: PromotionRow[] = [];
  let next: string | null = null;
  let error: string | null = null;
  if (view === "waiting") rows = await listAwaitingDecision({ db, principal: me });
  else {
    try {
      const page = await listPromotions({ db, teamId: me.teamId, status: view === "open" ? [...OPEN_STATUSES] : undefined, limit: 50, cursor });
      rows = page.promotions;
      next = page.nextCursor;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      error = err.message;
    }
  }
  const now = Date.now();
  return (
    <>
      <PageHeader
        title="Promotions"
        subtitle="Changes to what serves production: each carries its evidence and waits for the approvals the release policy asks for."
        actions={<A href={`/t/${team}/policies`}>Release policies</A>}
      />
      <nav className="mb-4 flex gap-2 text-sm" aria-label="Which promotions">
        {(Object.keys(VIEWS) as View[]).filter((v) => v !== "waiting" || canDecide).map((v) => (
          <Link key={v} href={`/t/${team}/promotions?view=${v}`} aria-current={v === view ? "page" : undefined}
            className={`rounded-full px-3 py-1 font-medium ${v === view ? "bg-indigo-600 text-white" : "bg-white text-slate-600 ring-1 ring-slate-200 hover:text-indigo-700"}`}>
            {VIEWS[v]}
          </Link>
        ))}
      </nav>
      {error && <div className="mb-4"><ErrorBox message={error} /></div>}
      {rows.length === 0 ? (
        <EmptyState title={view === "waiting" ? "Nothing waits for your decision" : view === "open" ? "No open promotions" : "No promotions yet"}>
          A traffic change on a production endpoint, or moving a protected alias, opens one.
        </EmptyState>
      ) : (
        <Card>
          <TableWrap>
            <table className="w-full" data-testid="promotions-table">
              <thead><tr><th className={th}>Target</th><th className={th}>Version</th><th className={th}>Requested by</th><th className={th}>Status</th><th className={th}>Age</th><th className={th}>Expires</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id}>
                    <td className={td}><A href={targetHref(team, p)}>{targetLabel(p)}</A></td>
                    <td className={td}>{p.model && p.version ? <A href={`/t/${team}/models/${p.model}/versions/${p.version}`}>{`${p.model} v${p.version}`}</A> : "—"}</td>
                    <td className={td}>{requester(p)}</td>
                    <td className={td}><PromotionStatusBadge status={p.status} /></td>
                    <td className={td} title={when(p.createdAt)}>{span(p.createdAt, now)}</td>
                    <td className={td} title={when(p.expiresAt)}>{p.status === "pending_approval" ? (new Date(p.expiresAt).getTime() > now ? `in ${span(p.expiresAt, now)}` : "now") : "—"}</td>
                    <td className={td}><A href={`/t/${team}/promotions/${p.id}`}>Open</A></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {next && <p className="mt-3 text-sm"><A href={`/t/${team}/promotions?view=${view}&cursor=${encodeURIComponent(next)}`}>Older promotions</A></p>}
        </Card>
      )}
    </>
  );
}
