import type { Db } from "../db/client";
import type { DeliveryStatus } from "../generated/prisma/enums";
import { DELIVERY_CHANNEL, toDeliveryView } from "./delivery-view";

/** Newest first; `cursor` is the last id of the previous page. */
export async function listDeliveries(opts: { db: Db; teamId: string; status?: DeliveryStatus; channelId?: string; limit: number; cursor?: string }) {
  const rows = await opts.db.delivery.findMany({
    where: { teamId: opts.teamId, ...(opts.status ? { status: opts.status } : {}), ...(opts.channelId ? { channelId: opts.channelId } : {}) },
    include: DELIVERY_CHANNEL,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
    ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
  }).catch(async (err) => {
    // a cursor that names no delivery (of this team) is an empty page, not an error
    if (opts.cursor && !(await opts.db.delivery.findFirst({ where: { id: opts.cursor, teamId: opts.teamId } }))) return [];
    throw err;
  });
  const page = rows.slice(0, opts.limit);
  return { deliveries: page.map(toDeliveryView), nextCursor: rows.length > opts.limit ? page.at(-1)!.id : null };
}
