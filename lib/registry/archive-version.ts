// POST …/versions/{n}/archive: the version stays (artifact, metrics, lineage) but can no longer be
// routed or promoted, and lists hide it unless asked. A version that serves, or that a deployment in
// flight is moving to, cannot be archived: take it out of the routing first.
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { findModel } from "./find-model";
import { endpointsRouting } from "./version-uses";
import { lockVersion } from "./lock-version";
import { toVersionView, VERSION_INCLUDE } from "./views";

export async function archiveVersion(opts: { db: Db; teamId: string; modelName: string; number: number; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const model = await findModel(tx, opts.teamId, opts.modelName);
    // Under this lock no deployment can be recorded that routes the version (createDeployment reads it FOR SHARE).
    const version = await lockVersion(tx, model, opts.number);
    if (version.archivedAt) return toVersionView(await tx.modelVersion.findUniqueOrThrow({ where: { id: version.id }, include: VERSION_INCLUDE }));
    const serving = await endpointsRouting(tx, opts.teamId, version.id);
    if (serving.length) {
      const list = serving.map((e) => `"${e}"`).join(", ");
      throw new AppError("conflict", `v${opts.number} of "${model.name}" is routed by endpoint${serving.length > 1 ? "s" : ""} ${list}: move its traffic to another version first, then archive it`);
    }
    const row = await tx.modelVersion.update({ where: { id: version.id }, data: { archivedAt: new Date(), archivedBy: opts.actor.label }, include: VERSION_INCLUDE });
    await recordAudit(tx, {
      teamId: opts.teamId, actor: opts.actor, action: "version.archive", resourceType: "version", resourceId: version.id,
      before: { model: model.name, version: opts.number, archived: false }, after: { model: model.name, version: opts.number, archived: true },
    });
    return toVersionView(row);
  });
}
