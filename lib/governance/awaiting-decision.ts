// Which promotions a person could decide now: the count in the navigation, the inbox's "Waiting for
// me" tab and the promotion page's buttons. The same rules decide-promotion.ts enforces (role from the
// policy, four-eyes, one decision per person), read without changing anything.
import type { Db } from "../db/client";
import { allowed } from "../auth/policy";
import type { Principal } from "../auth/principal";
import type { Environment } from "../serving/shared/environments";
import type { PolicyRules } from "./policy-rules";
import { readPolicy } from "./read-policy";
import { PROMOTION_INCLUDE, toPromotionView, type PromotionView } from "./promotion-view";

export type DecisionRights = { approve: boolean; reject: boolean };
const NONE: DecisionRights = { approve: false, reject: false };

type Decidable = { status: string; requestedById: string; onBehalfOf: string | null; expiresAt: Date };

/** What the person may do with one promotion under the environment's current rules; `decided`: they already approved or rejected it. */
export function decisionRights(me: Principal, p: Decidable, rules: PolicyRules, decided: boolean, now = new Date()): DecisionRights {
  if (p.status !== "pending_approval" || decided || now >= p.expiresAt) return NONE;
  if (!allowed(me, "promotion.decide", { atLeast: rules.approverRole })) return NONE;
  const requesterIsMe = p.requestedById === me.id || (p.onBehalfOf !== null && p.onBehalfOf === me.label);
  // the requester cancels rather than rejects, and approves only without four-eyes
  return { approve: !requesterIsMe || !rules.fourEyes, reject: !requesterIsMe };
}

/** One promotion's rights for the signed-in person, from its current policy and their earlier decision. */
export async function decisionRightsFor(opts: { db: Db; principal: Principal; promotionId: string; now?: Date }): Promise<DecisionRights> {
  const { db, principal } = opts;
  if (principal.kind !== "user") return NONE;
  const p = await db.promotion.findFirst({
    where: { id: opts.promotionId, teamId: principal.teamId },
    select: { status: true, requestedById: true, onBehalfOf: true, expiresAt: true, environment: true, approvals: { where: { userId: principal.id }, select: { id: true } } },
  });
  if (!p) return NONE;
  const { rules } = await readPolicy(db, principal.teamId, p.environment);
  return decisionRights(principal, p, rules, p.approvals.length > 0, opts.now);
}

/** Promotions waiting for approval that this person could approve or reject now, newest first. */
export async function listAwaitingDecision(opts: { db: Db; principal: Principal; now?: Date }): Promise<PromotionView[]> {
  const { db, principal } = opts;
  if (principal.kind !== "user" || !allowed(principal, "promotion.decide")) return [];
  const now = opts.now ?? new Date();
  const rows = await db.promotion.findMany({
    where: { teamId: principal.teamId, status: "pending_approval", expiresAt: { gt: now }, approvals: { none: { userId: principal.id } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
    include: PROMOTION_INCLUDE,
  });
  const rules = new Map<Environment, PolicyRules>();
  const out: PromotionView[] = [];
  for (const p of rows) {
    if (!rules.has(p.environment)) rules.set(p.environment, (await readPolicy(db, principal.teamId, p.environment)).rules);
    const r = decisionRights(principal, p, rules.get(p.environment)!, false, now);
    if (r.approve || r.reject) out.push(toPromotionView(p));
  }
  return out;
}
