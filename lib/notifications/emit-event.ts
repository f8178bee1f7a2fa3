// Records an event for every channel of the team that subscribes to it: one Delivery row per
// channel, written in the caller's transaction (a transactional outbox), so the event exists if and
// only if the change it reports does. The notifications queue sends them.
import { randomBytes } from "node:crypto";
import type { Prisma } from "../db/client";
import { toJson } from "../db/json";
import type { EventEnvelope, EventType } from "./event-types";

type Tx = Pick<Prisma.TransactionClient, "team" | "channel" | "delivery">;

/**
 * Returns the ids of the deliveries created; queue them once the transaction has committed.
 * `channelIds`: channels of the team that hear it whatever they subscribe to (an alert rule's).
 * `eventId`: a stable id, for an event that must never be sent twice (a second emit with it
 * fails on the unique (channel, event) pair, rolling its transaction back, instead of sending twice).
 */
export async function emitEvent(tx: Tx, e: { teamId: string; type: EventType; data: EventEnvelope["data"]; now?: Date; channelIds?: string[]; eventId?: string }): Promise<string[]> {
  const subscribed = { events: { has: e.type } };
  const where = e.channelIds?.length ? { teamId: e.teamId, OR: [subscribed, { id: { in: e.channelIds } }] } : { teamId: e.teamId, ...subscribed };
  const channels = await tx.channel.findMany({ where, select: { id: true } });
  if (!channels.length) return [];
  const team = await tx.team.findUniqueOrThrow({ where: { id: e.teamId }, select: { slug: true } });
  const envelope: EventEnvelope = { id: e.eventId ?? `evt_${randomBytes(12).toString("hex")}`, type: e.type, createdAt: (e.now ?? new Date()).toISOString(), team: team.slug, data: e.data };
  const ids: string[] = [];
  for (const c of channels) {
    const d = await tx.delivery.create({ data: { teamId: e.teamId, channelId: c.id, eventId: envelope.id, eventType: e.type, payload: toJson(envelope) }, select: { id: true } });
    ids.push(d.id);
  }
  return ids;
}
