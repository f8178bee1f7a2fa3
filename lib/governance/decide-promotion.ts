// A person approves or rejects a promotion, from the web, the API or Slack: the same rules for all.
// Tokens never decide; the approver role comes from the policy; with four-eyes the requester (or the
// person whose token asked) cannot approve; one decision per person; a rejection ends it. Every
// decision first takes the evidence again: if it changed, the promotion goes stale and the decision
// is refused. Enough approvals start the deployment.
import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { AppError, notFound } from "../errors";
import { readJson } from "../db/json";
import { describeChange, evidenceSchema, hashEvidence } from "./evidence";
import { readPolicy } from "./read-policy";
import { transition } from "./transition";
import { afterCommit } from "./after-commit";
import { freshEvidence, startAfterApproval } from "./start-promotion";
import { getPromotion } from "./get-promotion";
import { recordAudit } from "../audit/record-audit";

export type Decision = "approve" | "reject";

export async function decidePromotion(opts: { db: Db; redisUrl: string; principal: Principal; id: string; decision: Decision; comment?: string; via: "web" | "api" | "slack"; now?: Date; inlineMaxModelMb?: number }) {
  const { db, principal, decision } = opts;
  const now = opts.now ?? new Date();
  ensureCan(principal, "promotion.decide");
  const p = await db.promotion.findFirst({ where: { id: opts.id, teamId: principal.teamId } });
  if (!p) throw notFound(`promotion "${opts.id}"`);
  const policy = await readPolicy(db, p.teamId, p.environment);
  ensureCan(principal, "promotion.decide", { atLeast: policy.rules.approverRole });
  if (p.status !== "pending_approval") throw new AppError("conflict", `the promotion is ${p.status}; only a promotion waiting for approval can be ${decision === "approve" ? "approved" : "rejected"}`);
  const requesterIsMe = p.requestedById === principal.id || (p.onBehalfOf !== null && p.onBehalfOf === principal.label);
  if (requesterIsMe && decision === "reject") throw new AppError("forbidden", "you requested this promotion: cancel it instead of rejecting it");
  if (requesterIsMe && policy.rules.fourEyes) throw new AppError("forbidden", "four-eyes: you requested this promotion, so someone else must approve it");
  const earlier = await db.promotionApproval.findUnique({ where: { promotionId_userId: { promotionId: p.id, userId: principal.id } } });
  if (earlier) throw new AppError("conflict", `you already ${earlier.decision === "approve" ? "approved" : "rejected"} this promotion`);
  const actor = actorOf(principal);

  // Expired and stale are recorded (committed) before the decision is refused.
  const refuse = async (to: "expired" | "stale", reason: string) => {
    const deliveries = await db.$transaction((tx) => transition(tx, { id: p.id, from: "pending_approval", to, actor, reason, now }));
    await afterCommit({ redisUrl: opts.redisUrl, deliveries });
    throw new AppError("conflict", `the promotion is ${to}: ${reason}`);
  };
  if (now >= p.expiresAt) await refuse("expired", `nobody decided within its ${policy.rules.expiryHours} h`);
  const fresh = await freshEvidence(db, p, opts.inlineMaxModelMb);
  if (fresh.kind === "gone") await refuse("stale", `${fresh.reason}; request it again`);
  else if (hashEvidence(fresh.evidence) !== p.evidenceHash) await refuse("stale", `${describeChange(readJson(evidenceSchema, p.evidence, "evidence"), fresh.evidence)}; its approvals are void: request it again`);

  const approved = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Promotion" WHERE id = ${p.id} FOR UPDATE`;
    const now2 = await tx.promotion.findUniqueOrThrow({ where: { id: p.id }, select: { status: true } });
    if (now2.status !== "pending_approval") throw new AppError("conflict", `the promotion is ${now2.status} now`);
    await tx.promotionApproval.create({ data: { promotionId: p.id, userId: principal.id, userLabel: principal.label, decision, comment: opts.comment ?? "", evidenceHash: p.evidenceHash, via: opts.via, createdAt: now } });
    await recordAudit(tx, {
      teamId: p.teamId, actor, action: `promotion.${decision}`, resourceType: "promotion", resourceId: p.id,
      after: { decision, comment: opts.comment ?? "", evidenceHash: p.evidenceHash, via: opts.via },
    });
    if (decision === "reject") {
      return { start: false, deliveries: await transition(tx, { id: p.id, from: "pending_approval", to: "rejected", actor, reason: `rejected by ${principal.label}${opts.comment ? `: ${opts.comment}` : ""}`, now }) };
    }
    const count = await tx.promotionApproval.count({ where: { promotionId: p.id, decision: "approve", voidedAt: null } });
    if (count < p.requiredApprovals) return { start: false, deliveries: [] };
    return { start: true, deliveries: await transition(tx, { id: p.id, from: "pending_approval", to: "approved", actor, reason: `${count} of ${p.requiredApprovals} approval(s)`, now }) };
  }).catch((err: unknown) => {
    if ((err as { code?: string }).code === "P2002") throw new AppError("conflict", "you already decided on this promotion");
    throw err;
  });
  await afterCommit({ redisUrl: opts.redisUrl, deliveries: approved.deliveries });
  if (approved.start) await startAfterApproval({ db, redisUrl: opts.redisUrl, promotionId: p.id, actor, now, fresh, inlineMaxModelMb: opts.inlineMaxModelMb });
  return getPromotion({ db, teamId: principal.teamId, id: p.id });
}
