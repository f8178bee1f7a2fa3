import type { Prisma } from "../db/client";
import { notFound } from "../errors";

/** A version's row, locked for the rest of the transaction (archiving, editing). */
export async function lockVersion(tx: Prisma.TransactionClient, model: { id: string; name: string }, number: number) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "ModelVersion" WHERE "modelId" = ${model.id} AND "number" = ${number} FOR UPDATE`;
  if (!row) throw notFound(`version ${number} of model "${model.name}"`);
  return tx.modelVersion.findUniqueOrThrow({ where: { id: row.id } });
}
