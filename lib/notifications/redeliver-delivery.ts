// Sends a finished delivery (failed, or succeeded) again: the same event (same id, so a receiver can
// deduplicate), a fresh signature, attempts counted from zero, a new job.
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { AppError, notFound } from "../errors";
import { DELIVERY_CHANNEL, toDeliveryView } from "./delivery-view";
import { queueDeliveries } from "./queue-deliveries";

export async function redeliverDelivery(opts: { db: Db; redisUrl: string; teamId: string; deliveryId: string; actor: Actor }) {
  const view = await opts.db.$transaction(async (tx) => {
    const d = await tx.delivery.findFirst({ where: { id: opts.deliveryId, teamId: opts.teamId }, include: DELIVERY_CHANNEL });
    if (!d) throw notFound(`delivery "${opts.deliveryId}"`);
    if (d.status === "pending" || d.status === "sending") throw new AppError("conflict", `delivery "${d.id}" is still being delivered (${d.status}); redeliver it once it has succeeded or failed`);
    const reset = await tx.delivery.updateMany({
      where: { id: d.id, status: d.status },
      data: { status: "pending", attempts: 0, nextAttemptAt: null, lastError: null, lastStatusCode: null, lastResponse: null, deliveredAt: null },
    });
    if (!reset.count) throw new AppError("conflict", `delivery "${d.id}" changed meanwhile; try again`);
    const after = await tx.delivery.findUniqueOrThrow({ where: { id: d.id }, include: DELIVERY_CHANNEL });
    await recordAudit(tx, {
      teamId: opts.teamId, actor: opts.actor, action: "delivery.redeliver", resourceType: "delivery", resourceId: d.id,
      before: { status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, eventType: d.eventType, channel: d.channel.name },
      after: { status: "pending", eventType: d.eventType, channel: d.channel.name },
    });
    return toDeliveryView(after);
  });
  // Redis away: the reconciler queues it
  await queueDeliveries({ redisUrl: opts.redisUrl, ids: [view.id] });
  return view;
}
