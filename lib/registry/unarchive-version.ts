import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { findModel } from "./find-model";
import { lockVersion } from "./lock-version";
import { toVersionView, VERSION_INCLUDE } from "./views";

/** POST …/versions/{n}/unarchive: the version can be routed and promoted again, and lists show it. */
export async function unarchiveVersion(opts: { db: Db; teamId: string; modelName: string; number: number; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const model = await findModel(tx, opts.teamId, opts.modelName);
    const version = await lockVersion(tx, model, opts.number);
    if (!version.archivedAt) return toVersionView(await tx.modelVersion.findUniqueOrThrow({ where: { id: version.id }, include: VERSION_INCLUDE }));
    const row = await tx.modelVersion.update({ where: { id: version.id }, data: { archivedAt: null, archivedBy: null }, include: VERSION_INCLUDE });
    await recordAudit(tx, {
      teamId: opts.teamId, actor: opts.actor, action: "version.unarchive", resourceType: "version", resourceId: version.id,
      before: { model: model.name, version: opts.number, archived: true, archivedBy: version.archivedBy }, after: { model: model.name, version: opts.number, archived: false },
    });
    return toVersionView(row);
  });
}
