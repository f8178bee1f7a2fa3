// Every change of a promotion's status goes through here: a compare-and-set on the status (two
// deciders cannot both move it), an audit event, and the notification event people subscribe to.
import type { Prisma } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { emitEvent } from "../notifications/emit-event";
import type { EventType } from "../notifications/event-types";
import { readJson } from "../db/json";
import { evidenceSchema } from "./evidence";
import { PromotionStatus } from "./promotion-status";

type Tx = Prisma.TransactionClient;

const FINAL: PromotionStatus[] = ["blocked", "deployed", "failed", "rolled_back", "rejected", "cancelled", "expired", "stale"];

const EVENT_OF: Partial<Record<PromotionStatus, EventType>> = {
  pending_approval: "promotion.requested",
  approved: "promotion.approved",
  rejected: "promotion.rejected",
  expired: "promotion.expired",
  stale: "promotion.stale",
  deployed: "promotion.deployed",
  failed: "promotion.failed",
  rolled_back: "promotion.rolled_back",
};

export type Transition = { id: string; from: PromotionStatus; to: PromotionStatus; actor: Actor; reason?: string | null; extra?: Prisma.PromotionUncheckedUpdateManyInput; audit?: Record<string, unknown>; now?: Date };

/** Moves the promotion from `from` to `to`; returns the deliveries to queue once the transaction commits. */
export async function transition(tx: Tx, t: Transition): Promise<string[]> {
  const now = t.now ?? new Date();
  const final = FINAL.includes(t.to);
  const moved = await tx.promotion.updateMany({
    where: { id: t.id, status: t.from },
    data: { status: t.to, ...(t.reason !== undefined ? { statusReason: t.reason } : {}), ...(final ? { finishedAt: now } : {}), ...t.extra },
  });
  if (moved.count !== 1) {
    const p = await tx.promotion.findUnique({ where: { id: t.id }, select: { status: true } });
    throw new AppError("conflict", `the promotion is ${p?.status ?? "gone"} now, not ${t.from}; reload it`);
  }
  if (t.to === "stale") await tx.promotionApproval.updateMany({ where: { promotionId: t.id, voidedAt: null }, data: { voidedAt: now } });
  const p = await tx.promotion.findUniqueOrThrow({ where: { id: t.id }, include: { approvals: { where: { voidedAt: null } } } });
  await recordAudit(tx, {
    teamId: p.teamId, actor: t.actor, action: `promotion.${t.to}`, resourceType: "promotion", resourceId: p.id,
    before: { status: t.from }, after: { status: t.to, ...(t.reason ? { reason: t.reason } : {}), ...t.audit },
  });
  const type = EVENT_OF[t.to];
  return type ? emitEvent(tx, { teamId: p.teamId, type, data: promotionEventData(p), now }) : [];
}

type Row = Prisma.PromotionGetPayload<{ include: { approvals: true } }>;

/**
 * What a channel hears about a promotion, flat like every event's data (lib/notifications/event-text.ts
 * reads model, version, endpoint, status, reason, requestedBy, promotionId): enough to decide from a
 * Slack message, and a link. `reason` says why it is in this status when there is a why (blocked, stale,
 * rejected, rolled back…), else the requester's reason.
 */
export function promotionEventData(p: Row) {
  const e = readJson(evidenceSchema, p.evidence, "evidence");
  const candidate = e.candidates[0] ?? null;
  const metricNames = [...new Set([...Object.keys(candidate?.metrics ?? {}), ...Object.keys(e.champion?.metrics ?? {})])].sort();
  return {
    promotionId: p.id, kind: p.kind, status: p.status, environment: p.environment,
    endpoint: e.target.kind === "traffic" ? e.target.endpoint : undefined,
    alias: e.target.kind === "alias" ? `${e.target.model}@${e.target.alias}` : undefined,
    model: candidate?.model ?? e.champion?.model ?? undefined, version: candidate?.version ?? undefined,
    champion: e.champion ? { model: e.champion.model, version: e.champion.version } : null,
    reason: p.statusReason ?? (p.reason || undefined), statusReason: p.statusReason, requestReason: p.reason, requestedBy: p.onBehalfOf ?? p.requestedBy,
    metrics: metricNames.map((name) => ({ name, value: candidate?.metrics[name] ?? null, champion: e.champion?.metrics[name] ?? null })),
    checks: e.checks.map((c) => ({ name: c.name, passed: c.passed, detail: c.detail })),
    approvals: p.approvals.map((a) => ({ by: a.userLabel, decision: a.decision, comment: a.comment })),
    requiredApprovals: p.requiredApprovals,
    deploymentId: p.deploymentId ?? undefined,
  };
}
