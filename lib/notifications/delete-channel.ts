import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";
import { toChannelView } from "./channel-view";

/** Deletes a channel and its deliveries (a queued delivery of it then finds nothing to send). */
export async function deleteChannel(opts: { db: Db; teamId: string; channelId: string; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const c = await tx.channel.findFirst({ where: { id: opts.channelId, teamId: opts.teamId } });
    if (!c) throw notFound(`channel "${opts.channelId}"`);
    const view = toChannelView(c);
    await tx.channel.delete({ where: { id: c.id } });
    await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "channel.delete", resourceType: "channel", resourceId: c.id, before: view });
    return view;
  });
}
