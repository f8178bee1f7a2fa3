import type { Db } from "../db/client";
import { MODEL_INCLUDE, toModelView } from "./views";
import { findModel } from "./find-model";

export async function listModels(opts: { db: Db; teamId: string }) {
  const rows = await opts.db.model.findMany({ where: { teamId: opts.teamId }, include: MODEL_INCLUDE, orderBy: { name: "asc" } });
  return rows.map(toModelView);
}

export async function getModel(opts: { db: Db; teamId: string; name: string }) {
  const model = await findModel(opts.db, opts.teamId, opts.name);
  const row = await opts.db.model.findUniqueOrThrow({ where: { id: model.id }, include: MODEL_INCLUDE });
  return toModelView(row);
}
