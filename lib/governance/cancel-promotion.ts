import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { AppError, notFound } from "../errors";
import { transition } from "./transition";
import { afterCommit } from "./after-commit";
import { getPromotion } from "./get-promotion";
import type { PromotionStatus } from "./promotion-status";

const CANCELLABLE: PromotionStatus[] = ["checking", "pending_approval", "approved"];

/** Only the requester (the same person, the same token, or the person whose token asked) may cancel, before it deploys. */
export async function cancelPromotion(opts: { db: Db; redisUrl: string; principal: Principal; id: string; comment?: string }) {
  const { db, principal } = opts;
  ensureCan(principal, "promotion.cancel");
  const p = await db.promotion.findFirst({ where: { id: opts.id, teamId: principal.teamId } });
  if (!p) throw notFound(`promotion "${opts.id}"`);
  const mine = p.requestedById === principal.id || (p.onBehalfOf !== null && p.onBehalfOf === principal.label);
  if (!mine) throw new AppError("forbidden", `only the requester (${p.onBehalfOf ?? p.requestedBy}) can cancel this promotion`);
  if (!CANCELLABLE.includes(p.status)) throw new AppError("conflict", `the promotion is ${p.status}; it can be cancelled only before it deploys`);
  const deliveries = await db.$transaction((tx) =>
    transition(tx, { id: p.id, from: p.status, to: "cancelled", actor: actorOf(principal), reason: `cancelled by ${principal.label}${opts.comment ? `: ${opts.comment}` : ""}` }),
  );
  await afterCommit({ redisUrl: opts.redisUrl, deliveries });
  return getPromotion({ db, teamId: principal.teamId, id: p.id });
}
