import { Badge, Card, when } from "./ui";
import { PromotionStatusBadge } from "./promotion-bits";
import type { PromotionDetail } from "./promotion-panel";

/** The approvals with their comments (void once the evidence changed) and the audited timeline. */
export function PromotionHistory({ promotion: p }: { promotion: PromotionDetail }) {
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <Card title="Approvals">
        {p.approvals.length === 0 ? <p className="text-sm text-slate-500">No decisions yet.</p> : (
          <ul className="space-y-3" data-testid="approvals">
            {p.approvals.map((a, i) => (
              <li key={i} className={a.voided ? "opacity-60" : ""}>
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <Badge tone={a.decision === "approve" ? "green" : "red"}>{a.decision === "approve" ? "approved" : "rejected"}</Badge>
                  <span className="font-medium">{a.by}</span>
                  <span className="text-xs text-slate-500">{when(a.at)} · via {a.via}</span>
                  {a.voided && <Badge tone="amber">void: the evidence changed</Badge>}
                </p>
                {a.comment && <p className="mt-1 whitespace-pre-wrap break-words text-sm text-slate-700">{a.comment}</p>}
                <p className="mt-0.5 font-mono text-xs text-slate-500" title="the evidence hash this decision signed">signed {a.evidenceHash.slice(0, 12)}…</p>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Timeline">
        <ol className="space-y-2" data-testid="timeline">
          {p.timeline.map((e, i) => (
            <li key={i} className="text-sm">
              <span className="text-xs text-slate-500">{when(e.at)}</span>{" "}
              {e.status ? <PromotionStatusBadge status={e.status} /> : <span className="font-mono text-xs">{e.action}</span>}{" "}
              <span className="text-slate-600">by {e.by}</span>
              {e.detail && <p className="break-words text-xs text-slate-500">{e.detail}</p>}
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
