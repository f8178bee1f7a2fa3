// An Approve or Reject click, as the linked member: the Slack user is looked up in the team of the
// promotion the button names (Membership.slackUserId), and the decision goes through the same
// decidePromotion as the web's, so every rule (role, four-eyes, one decision per person, stale,
// expired) is the same. A refusal changes nothing and is told to the clicker alone.
import type { Db } from "../../db/client";
import { AppError } from "../../errors";
import { resolveMember } from "../../auth/resolve-member";
import { decidePromotion, type Decision } from "../../governance/decide-promotion";
import { promotionEventData } from "../../governance/transition";
import { promotionDecidedMessage, SLACK_DECISION_COMMENT, statusLine } from "./promotion-message";
import { promotionFromData, type PromotionEvent } from "./promotion-event";
import type { SlackReply } from "./respond";

type Outcome = { reply: SlackReply; updates: SlackReply[] };

export const ephemeral = (text: string): SlackReply => ({ response_type: "ephemeral", replace_original: false, text });
const only = (text: string): Outcome => {
  const reply = ephemeral(text);
  return { reply, updates: [reply] };
};

export async function decideFromSlack(opts: { db: Db; redisUrl: string; appUrl: string; slackUserId: string; promotionId: string; decision: Decision; now?: Date; inlineMaxModelMb?: number }): Promise<Outcome> {
  const { db } = opts;
  const p = await db.promotion.findUnique({ where: { id: opts.promotionId }, select: { id: true, teamId: true, status: true, createdAt: true, requestedBy: true, onBehalfOf: true, team: { select: { slug: true } } } });
  if (!p) return only("This promotion is not in Switchyard (any more). Nothing changed.");
  const member = await db.membership.findUnique({ where: { teamId_slackUserId: { teamId: p.teamId, slackUserId: opts.slackUserId } }, select: { userId: true, slackLinkedBy: true, slackLinkedAt: true } });
  if (!member) {
    return only(`Your Slack account is not linked to a Switchyard member of team ${p.team.slug}; ask an admin to set your Slack user id (${opts.slackUserId}) on the Members page. Nothing changed.`);
  }
  // An admin sets the links: one who requested a promotion must not be able to decide it as someone
  // else by pointing that person's link at their own Slack account, before or after asking.
  if (member.slackLinkedBy && [p.requestedBy, p.onBehalfOf].includes(member.slackLinkedBy)) {
    return only(`Your Slack link was set by ${member.slackLinkedBy}, who requested this promotion: decide it in Switchyard instead. Nothing changed.`);
  }
  if (member.slackLinkedAt && member.slackLinkedAt > p.createdAt) {
    return only("Your Slack link changed after this promotion was requested: decide it in Switchyard instead. Nothing changed.");
  }
  const principal = await resolveMember({ db, userId: member.userId, teamSlug: p.team.slug });
  if (principal.mustChangePassword) return only("Sign in to Switchyard and choose your own password first; then decide here. Nothing changed.");

  const decided = async (already: boolean): Promise<SlackReply> => ({ replace_original: true, ...promotionDecidedMessage(await current(db, p.id), { appUrl: opts.appUrl, already }) });
  if (p.status !== "pending_approval") {
    const note = ephemeral(`${statusLine(await current(db, p.id), true)}. Nothing changed.`);
    return { reply: note, updates: [note, await decided(true)] };
  }
  try {
    await decidePromotion({ db, redisUrl: opts.redisUrl, principal, id: p.id, decision: opts.decision, comment: SLACK_DECISION_COMMENT, via: "slack", now: opts.now, inlineMaxModelMb: opts.inlineMaxModelMb });
  } catch (err) {
    if (!(err instanceof AppError) || !["forbidden", "conflict", "not_found"].includes(err.code)) throw err;
    const refusal = ephemeral(`Not done: ${err.message}.`);
    // a decision that found the promotion closed (stale, expired, decided meanwhile) also updates the message
    const now = await db.promotion.findUnique({ where: { id: p.id }, select: { status: true } });
    return { reply: refusal, updates: now && now.status !== "pending_approval" ? [refusal, await decided(false)] : [refusal] };
  }
  const message = await decided(false);
  return { reply: message, updates: [message] };
}

/** The promotion as it is now, as its events describe it. */
async function current(db: Db, id: string): Promise<PromotionEvent> {
  const row = await db.promotion.findUniqueOrThrow({
    where: { id },
    include: { team: { select: { slug: true } }, approvals: { where: { voidedAt: null }, orderBy: { createdAt: "asc" } } },
  });
  return promotionFromData(promotionEventData(row), row.team.slug);
}
