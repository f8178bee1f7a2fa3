import type { Db } from "../db/client";
import { toChannelView } from "./channel-view";

export async function listChannels(opts: { db: Db; teamId: string }) {
  const rows = await opts.db.channel.findMany({ where: { teamId: opts.teamId }, orderBy: { createdAt: "asc" } });
  return rows.map(toChannelView);
}
