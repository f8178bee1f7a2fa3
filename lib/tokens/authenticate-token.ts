import type { Db } from "../db/client";
import type { Principal } from "../auth/principal";
import type { Scope } from "../auth/roles";
import { TOKEN_ROLE } from "../auth/policy";
import { AppError } from "../errors";
import { hashToken, TOKEN_PREFIX } from "./token-format";

const LAST_USED_GRANULARITY_MS = 60_000;

/** Resolves a bearer token to its team. Tokens act with the engineer role, limited by their scopes. */
export async function authenticateToken(opts: { db: Db; token: string; now?: Date }): Promise<Principal> {
  const now = opts.now ?? new Date();
  if (!opts.token.startsWith(TOKEN_PREFIX)) throw new AppError("unauthorized", "invalid API token");
  const row = await opts.db.apiToken.findUnique({ where: { tokenHash: hashToken(opts.token) }, include: { team: true } });
  if (!row) throw new AppError("unauthorized", "invalid API token");
  if (row.revokedAt) throw new AppError("unauthorized", "API token has been revoked");
  if (row.expiresAt && row.expiresAt <= now) throw new AppError("unauthorized", "API token has expired");
  // Write last use at most once a minute per token: a CI burst should not turn every read into a write.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await opts.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return {
    kind: "token",
    id: row.id,
    label: `token:${row.name}`,
    teamId: row.teamId,
    teamSlug: row.team.slug,
    role: TOKEN_ROLE,
    scopes: row.scopes as Scope[],
  };
}
