import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";
import { toTokenView } from "./token-view";

/** Revoking twice is not an error: the token stays revoked and the first time is kept. */
export async function revokeToken(opts: { db: Db; teamId: string; tokenId: string; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const before = await tx.apiToken.findFirst({ where: { id: opts.tokenId, teamId: opts.teamId } });
    if (!before) throw notFound(`token "${opts.tokenId}"`);
    if (before.revokedAt) return toTokenView(before);
    const after = await tx.apiToken.update({ where: { id: before.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "token.revoke", resourceType: "token", resourceId: before.id, before: toTokenView(before), after: toTokenView(after) });
    return toTokenView(after);
  });
}
