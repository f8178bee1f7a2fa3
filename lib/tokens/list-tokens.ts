import type { Db } from "../db/client";
import { toTokenView } from "./token-view";

export async function listTokens(opts: { db: Db; teamId: string }) {
  const rows = await opts.db.apiToken.findMany({ where: { teamId: opts.teamId }, orderBy: { createdAt: "desc" } });
  return rows.map(toTokenView);
}
