import type { Db, Prisma } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { findVersion } from "./find-model";
import { AppError } from "../errors";
import { archivedMessage } from "./archived";

/** Points an alias (champion, challenger, any name) at a version; moving it is audited with the old target. */
export async function setAlias(opts: { db: Db; teamId: string; modelName: string; alias: string; version: number; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const { model, version } = await findVersion(tx, opts.teamId, opts.modelName, opts.version);
    return moveAlias(tx, { teamId: opts.teamId, model, version, alias: opts.alias, actor: opts.actor });
  });
}

/** The move itself, inside the caller's transaction (a direct change, or an approved promotion). */
export async function moveAlias(tx: Prisma.TransactionClient, o: { teamId: string; model: { id: string; name: string }; version: { id: string; number: number }; alias: string; actor: Actor; promotionId?: string }) {
  // read under the caller's lock on the version's row or after it: an archived version is never promoted
  const target = await tx.modelVersion.findUnique({ where: { id: o.version.id }, select: { archivedAt: true } });
  if (target?.archivedAt) throw new AppError("unprocessable", archivedMessage(o.model.name, o.version.number), { field: "version" });
  const where = { modelId_name: { modelId: o.model.id, name: o.alias } };
  const before = await tx.alias.findUnique({ where, include: { version: { select: { number: true } } } });
  const row = await tx.alias.upsert({ where, create: { modelId: o.model.id, name: o.alias, versionId: o.version.id }, update: { versionId: o.version.id } });
  const after = { model: o.model.name, alias: o.alias, version: o.version.number };
  if (before?.versionId !== o.version.id) {
    await recordAudit(tx, {
      teamId: o.teamId, actor: o.actor, action: "alias.set", resourceType: "alias", resourceId: row.id,
      before: before ? { model: o.model.name, alias: o.alias, version: before.version.number } : null,
      after: o.promotionId ? { ...after, promotion: o.promotionId } : after,
    });
  }
  return after;
}
