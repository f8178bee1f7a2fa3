import type { Db } from "../db/client";
import { AppError } from "../errors";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { PROMOTION_INCLUDE, toPromotionView } from "./promotion-view";
import type { PromotionStatus } from "./promotion-status";

/** The team's promotions, newest first, a page at a time (`cursor` is the last id of the page before). */
export async function listPromotions(opts: { db: Db; teamId: string; status?: PromotionStatus[]; endpointName?: string; limit: number; cursor?: string }) {
  const endpointId = opts.endpointName ? (await findEndpoint(opts.db, opts.teamId, opts.endpointName)).id : undefined;
  if (opts.cursor && !(await opts.db.promotion.findFirst({ where: { id: opts.cursor, teamId: opts.teamId }, select: { id: true } }))) {
    throw new AppError("bad_request", "not a cursor from this list: pass the nextCursor of the page before", { field: "cursor" });
  }
  const rows = await opts.db.promotion.findMany({
    where: { teamId: opts.teamId, ...(opts.status?.length ? { status: { in: opts.status } } : {}), ...(endpointId ? { endpointId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
    ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
    include: PROMOTION_INCLUDE,
  });
  const page = rows.slice(0, opts.limit);
  return { promotions: page.map(toPromotionView), nextCursor: rows.length > opts.limit ? page[page.length - 1].id : null };
}
