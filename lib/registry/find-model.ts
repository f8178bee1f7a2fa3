import type { Db } from "../db/client";
import { notFound } from "../errors";

export async function findModel(db: Pick<Db, "model">, teamId: string, name: string) {
  const model = await db.model.findUnique({ where: { teamId_name: { teamId, name } } });
  if (!model) throw notFound(`model "${name}"`);
  return model;
}

export async function findVersion(db: Pick<Db, "model" | "modelVersion">, teamId: string, modelName: string, number: number) {
  const model = await findModel(db, teamId, modelName);
  const version = await db.modelVersion.findUnique({ where: { modelId_number: { modelId: model.id, number } } });
  if (!version) throw notFound(`version ${number} of model "${modelName}"`);
  return { model, version };
}
