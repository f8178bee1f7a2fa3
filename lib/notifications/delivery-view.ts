import type { Channel, Delivery } from "../generated/prisma/client";

/** A delivery as the API and the deliveries page show it (the payload is the event; never secrets). */
export function toDeliveryView(d: Delivery & { channel: Pick<Channel, "id" | "name" | "kind"> }) {
  return {
    id: d.id,
    channel: { id: d.channel.id, name: d.channel.name, kind: d.channel.kind },
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastResponse: d.lastResponse,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}
export type DeliveryView = ReturnType<typeof toDeliveryView>;

export const DELIVERY_CHANNEL = { channel: { select: { id: true, name: true, kind: true } } } as const;
