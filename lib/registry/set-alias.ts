import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { findVersion } from "./find-model";

/** Points an alias (champion, challenger, any name) at a version; moving it is audited with the old target. */
export async function setAlias(opts: { db: Db; teamId: string; modelName: string; alias: string; version: number; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const { model, version } = await findVersion(tx, opts.teamId, opts.modelName, opts.version);
    const before = await tx.alias.findUnique({ where: { modelId_name: { modelId: model.id, name: opts.alias } }, include: { version: { select: { number: true } } } });
    const row = await tx.alias.upsert({
      where: { modelId_name: { modelId: model.id, name: opts.alias } },
      create: { modelId: model.id, name: opts.alias, versionId: version.id },
      update: { versionId: version.id },
    });
    const after = { model: model.name, alias: opts.alias, version: version.number };
    if (before?.versionId !== version.id) {
      await recordAudit(tx, {
        teamId: opts.teamId, actor: opts.actor, action: "alias.set", resourceType: "alias", resourceId: row.id,
        before: before ? { model: model.name, alias: opts.alias, version: before.version.number } : null, after,
      });
    }
    return after;
  });
}
