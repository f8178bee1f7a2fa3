// What served an endpoint, and when: every routing it has had, newest first, with the deployment
// that put it there, who asked and who approved (when it went through a promotion).
import type { Db } from "../../../db/client";
import { AppError } from "../../../errors";
import { readJson } from "../../../db/json";
import { asRouting } from "../../shared/routing";
import { stepsSchema } from "../deployments/plan";
import { findEndpoint } from "./read-endpoints";
import { periodAt, routingPeriods, type RoutingPeriod } from "./routing-periods";

const DEPLOYMENT_SELECT = {
  id: true, strategy: true, status: true, createdAt: true, startedAt: true, finishedAt: true, fromRouting: true, toRouting: true, steps: true,
  reason: true, createdBy: true, error: true, rollbackReason: true,
  promotion: {
    select: {
      id: true, requestedBy: true, onBehalfOf: true,
      approvals: { where: { decision: "approve", voidedAt: null }, orderBy: { createdAt: "asc" }, select: { userLabel: true, comment: true, via: true, createdAt: true } },
    },
  },
} as const;

export async function readEndpointHistory(opts: { db: Db; teamId: string; name: string; at?: string; cursor?: string; limit: number; now?: Date }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const now = opts.now ?? new Date();
  if (opts.at !== undefined && opts.cursor !== undefined) throw new AppError("bad_request", "give either at (what served at a moment) or cursor (the next page), not both", { field: "cursor" });
  const at = opts.at === undefined ? null : new Date(opts.at);
  if (at && at.getTime() > now.getTime()) throw new AppError("bad_request", `${opts.at} is in the future: history can only say what served up to now (${now.toISOString()})`, { field: "at" });

  const rows = await opts.db.deployment.findMany({ where: { endpointId: e.id, status: { not: "pending" } }, select: DEPLOYMENT_SELECT });
  const byId = new Map(rows.map((d) => [d.id, d]));
  const periods = routingPeriods({
    createdAt: e.createdAt,
    live: asRouting(e.routing),
    deployments: rows.map((d) => ({ ...d, fromRouting: asRouting(d.fromRouting), toRouting: asRouting(d.toRouting), steps: readJson(stepsSchema, d.steps, "steps") })),
  }).reverse();
  const view = (p: RoutingPeriod) => toHistoryEntry(p, p.deploymentId ? byId.get(p.deploymentId) ?? null : null);
  const head = { endpoint: e.name, environment: e.environment };

  if (at) {
    const p = periodAt(periods, at);
    if (!p) {
      const first = periods[periods.length - 1];
      const why = !first ? "it has never served" : at < first.from ? `its first routing went live at ${first.from.toISOString()}` : "no routing on it answered requests then";
      throw new AppError("not_found", `nothing served on "${e.name}" at ${at.toISOString()}: ${why}`);
    }
    return { ...head, entries: [view(p)], nextCursor: null };
  }

  let start = 0;
  if (opts.cursor !== undefined) {
    const i = periods.findIndex((p) => p.key === opts.cursor);
    if (i < 0) throw new AppError("bad_request", "not a cursor from this history: pass the nextCursor of the page before", { field: "cursor" });
    start = i + 1;
  }
  const page = periods.slice(start, start + opts.limit);
  return { ...head, entries: page.map(view), nextCursor: start + opts.limit < periods.length ? page[page.length - 1].key : null };
}

type DeploymentRow = {
  id: string; strategy: string; status: string; reason: string; createdBy: string; error: string | null; rollbackReason: string | null;
  createdAt: Date; startedAt: Date | null; finishedAt: Date | null;
  promotion: { id: string; requestedBy: string; onBehalfOf: string | null; approvals: { userLabel: string; comment: string; via: string; createdAt: Date }[] } | null;
};

function toHistoryEntry(p: RoutingPeriod, d: DeploymentRow | null) {
  return {
    id: p.key,
    from: p.from.toISOString(),
    until: p.until?.toISOString() ?? null,
    current: p.until === null,
    change: p.change,
    percent: p.percent,
    routing: {
      sticky: p.routing.sticky,
      variants: p.routing.variants.map((v) => ({ name: v.name, model: v.model, version: v.version, weight: v.weight, role: v.role, device: v.device, replicas: v.replicas })),
    },
    deployment: d && {
      id: d.id, strategy: d.strategy, status: d.status, reason: d.reason,
      outcomeReason: d.rollbackReason ?? d.error,
      createdAt: d.createdAt.toISOString(), startedAt: d.startedAt?.toISOString() ?? null, finishedAt: d.finishedAt?.toISOString() ?? null,
    },
    requestedBy: d ? d.promotion?.requestedBy ?? d.createdBy : null,
    onBehalfOf: d?.promotion?.onBehalfOf ?? null,
    approvedBy: (d?.promotion?.approvals ?? []).map((a) => ({ by: a.userLabel, comment: a.comment, via: a.via, at: a.createdAt.toISOString() })),
    promotionId: d?.promotion?.id ?? null,
  };
}
export type HistoryEntry = ReturnType<typeof toHistoryEntry>;
