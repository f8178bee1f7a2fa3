// emitEvent for many events at once (an alert-evaluation cycle that fires hundreds of incidents):
// the same outbox rows as emitEvent writes, in the caller's transaction, with one read of the teams'
// channels and slugs and one INSERT for every delivery instead of three round trips per event.
import { randomBytes } from "node:crypto";
import type { Prisma } from "../db/client";
import type { EventEnvelope, EventType } from "./event-types";

type Tx = Pick<Prisma.TransactionClient, "team" | "channel" | "$queryRawUnsafe">;

/** A delivery id shaped like Prisma's cuids (a letter, then 24 more): the rows are inserted by SQL here. */
const deliveryId = () => `c${randomBytes(12).toString("hex")}`;

export type EventToEmit = { teamId: string; type: EventType; data: EventEnvelope["data"]; eventId: string; channelIds?: string[] };

/**
 * Returns the ids of the deliveries created; queue them once the transaction has committed. A
 * (channel, event id) pair that already has a delivery is skipped: an event with a stable id is never
 * sent twice.
 */
export async function emitEvents(tx: Tx, opts: { events: EventToEmit[]; now: Date }): Promise<string[]> {
  if (!opts.events.length) return [];
  const teamIds = [...new Set(opts.events.map((e) => e.teamId))];
  const [channels, teams] = await Promise.all([
    tx.channel.findMany({ where: { teamId: { in: teamIds } }, select: { id: true, teamId: true, events: true } }),
    tx.team.findMany({ where: { id: { in: teamIds } }, select: { id: true, slug: true } }),
  ]);
  const slugOf = new Map(teams.map((t) => [t.id, t.slug]));
  const createdAt = opts.now.toISOString();
  const rows: { teamId: string; channelId: string; eventId: string; eventType: string; payload: string }[] = [];
  for (const e of opts.events) {
    const mine = channels.filter((c) => c.teamId === e.teamId && (c.events.includes(e.type) || e.channelIds?.includes(c.id)));
    if (!mine.length) continue;
    const envelope: EventEnvelope = { id: e.eventId, type: e.type, createdAt, team: slugOf.get(e.teamId)!, data: e.data };
    const payload = JSON.stringify(envelope);
    for (const c of mine) rows.push({ teamId: e.teamId, channelId: c.id, eventId: e.eventId, eventType: e.type, payload });
  }
  if (!rows.length) return [];
  // one INSERT from arrays: building a thousand rows through the ORM costs far more than the database does
  const created = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "Delivery" (id, "teamId", "channelId", "eventId", "eventType", payload, "updatedAt")
     SELECT u.*, now() AT TIME ZONE 'UTC' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS u
     ON CONFLICT ("channelId", "eventId") DO NOTHING RETURNING id`,
    rows.map(deliveryId), rows.map((r) => r.teamId), rows.map((r) => r.channelId), rows.map((r) => r.eventId), rows.map((r) => r.eventType), rows.map((r) => r.payload),
  );
  return created.map((d) => d.id);
}
