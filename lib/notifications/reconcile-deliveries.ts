// Queues deliveries that have no job: emitted while Redis was away, or by a process that stopped
// between its commit and queueing them, or whose job Redis lost. A delivery that does have its job is
// untouched (job id = delivery id: adding it again is a no-op).
import type { Db } from "../db/client";
import { queueDeliveries } from "./queue-deliveries";

/** Pending rows younger than this are left to whoever just wrote them. */
export const RECONCILE_GRACE_MS = 5_000;
/** A row "sending" this long belongs to a job that died with its Redis data. */
const SENDING_STUCK_MS = 120_000;

export async function reconcileDeliveries(opts: { db: Db; redisUrl: string; now?: Date; limit?: number }): Promise<number> {
  const now = opts.now ?? new Date();
  const grace = new Date(now.getTime() - RECONCILE_GRACE_MS);
  const rows = await opts.db.delivery.findMany({
    where: {
      OR: [
        { status: "pending", updatedAt: { lt: grace }, OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lt: grace } }] },
        { status: "sending", updatedAt: { lt: new Date(now.getTime() - SENDING_STUCK_MS) } },
      ],
    },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: opts.limit ?? 500,
  });
  if (!rows.length) return 0;
  return (await queueDeliveries({ redisUrl: opts.redisUrl, ids: rows.map((r) => r.id) })) ? rows.length : 0;
}
