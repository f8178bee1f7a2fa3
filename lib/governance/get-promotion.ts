import type { Db } from "../db/client";
import { notFound } from "../errors";
import { PROMOTION_INCLUDE, toPromotionView } from "./promotion-view";

/** One promotion of the team, with its timeline (the audit events that moved it). */
export async function getPromotion(opts: { db: Db; teamId: string; id: string }) {
  const p = await opts.db.promotion.findFirst({ where: { id: opts.id, teamId: opts.teamId }, include: PROMOTION_INCLUDE });
  if (!p) throw notFound(`promotion "${opts.id}"`);
  const events = await opts.db.auditEvent.findMany({
    where: { teamId: opts.teamId, resourceType: "promotion", resourceId: p.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 200,
  });
  const timeline = events.map((e) => {
    const after = (e.after ?? {}) as { status?: string; reason?: string; comment?: string };
    return { at: e.createdAt.toISOString(), action: e.action, by: e.actorLabel, status: after.status ?? null, detail: after.reason ?? after.comment ?? null };
  });
  return { ...toPromotionView(p), timeline };
}
