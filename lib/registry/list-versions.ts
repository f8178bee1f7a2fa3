import type { Db } from "../db/client";
import { findModel, findVersion } from "./find-model";
import { toVersionView, VERSION_INCLUDE } from "./views";

export async function listVersions(opts: { db: Db; teamId: string; modelName: string }) {
  const model = await findModel(opts.db, opts.teamId, opts.modelName);
  const rows = await opts.db.modelVersion.findMany({ where: { modelId: model.id }, include: VERSION_INCLUDE, orderBy: { number: "desc" } });
  return rows.map(toVersionView);
}

export async function getVersion(opts: { db: Db; teamId: string; modelName: string; number: number }) {
  const { version } = await findVersion(opts.db, opts.teamId, opts.modelName, opts.number);
  const row = await opts.db.modelVersion.findUniqueOrThrow({ where: { id: version.id }, include: VERSION_INCLUDE });
  return toVersionView(row);
}
