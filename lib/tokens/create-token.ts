import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import type { Scope } from "../auth/roles";
import { recordAudit } from "../audit/record-audit";
import { displayPrefix, generateToken, hashToken } from "./token-format";
import { toTokenView } from "./token-view";

/** Creates a token and returns it in clear text once; afterwards only its hash exists. */
export async function createToken(opts: {
  db: Db;
  teamId: string;
  name: string;
  scopes: Scope[];
  expiresAt?: Date | null;
  actor: Actor;
}) {
  const token = generateToken();
  const row = await opts.db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        teamId: opts.teamId,
        name: opts.name,
        prefix: displayPrefix(token),
        tokenHash: hashToken(token),
        scopes: [...new Set(opts.scopes)],
        expiresAt: opts.expiresAt ?? null,
        createdBy: opts.actor.label,
      },
    });
    await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "token.create", resourceType: "token", resourceId: created.id, after: toTokenView(created) });
    return created;
  });
  return { token, ...toTokenView(row) };
}
