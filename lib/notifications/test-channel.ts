// Sends a `channel.test` event to one channel now, through the same path as every delivery (a
// Delivery row, then the attempt the notifications job makes), and answers with the delivery. A test
// that needs a retry (5xx, 429, Slack's pace) continues on the queue like any other delivery.
import type { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { toJson } from "../db/json";
import { notFound } from "../errors";
import { deliverNotification } from "./deliver-notification";
import { DELIVERY_CHANNEL, toDeliveryView } from "./delivery-view";
import type { EventEnvelope } from "./event-types";
import type { NotifySettings } from "./notify-settings";
import { queueDeliveries } from "./queue-deliveries";

export async function testChannel(opts: { db: Db; redis: Redis; redisUrl: string; settings: NotifySettings; teamId: string; channelId: string; actor: Actor }) {
  const { db } = opts;
  const id = await db.$transaction(async (tx) => {
    const c = await tx.channel.findFirst({ where: { id: opts.channelId, teamId: opts.teamId }, include: { team: { select: { slug: true } } } });
    if (!c) throw notFound(`channel "${opts.channelId}"`);
    const envelope: EventEnvelope = {
      id: `evt_${randomBytes(12).toString("hex")}`, type: "channel.test", createdAt: new Date().toISOString(), team: c.team.slug,
      data: { channel: c.name, createdBy: opts.actor.label, message: "This is a test notification from Switchyard." },
    };
    const d = await tx.delivery.create({ data: { teamId: opts.teamId, channelId: c.id, eventId: envelope.id, eventType: envelope.type, payload: toJson(envelope) } });
    await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "channel.test", resourceType: "channel", resourceId: c.id, after: { delivery: d.id, channel: c.name } });
    return d.id;
  });
  const r = await deliverNotification({ db, redis: opts.redis, settings: opts.settings }, id);
  if (r.state === "later") await queueDeliveries({ redisUrl: opts.redisUrl, ids: [id], delayMs: () => r.at - Date.now() });
  return toDeliveryView(await db.delivery.findUniqueOrThrow({ where: { id }, include: DELIVERY_CHANNEL }));
}
