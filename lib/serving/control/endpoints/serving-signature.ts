import type { Db } from "../../../db/client";
import { readJson } from "../../../db/json";
import { signatureSchema, type Signature } from "../../../onnx/signature";
import { asRouting } from "../../shared/routing";

/**
 * The version taking most of an endpoint's traffic, with its signature and reference profile: what a
 * request to the endpoint must look like (every variant takes the same inputs) and typical values for it.
 */
export async function servingSignature(db: Db, routing: unknown): Promise<{ name: string; signature: Signature; profile: unknown } | null> {
  const top = asRouting(routing).variants.filter((v) => v.role !== "shadow").sort((a, b) => b.weight - a.weight)[0];
  if (!top) return null;
  const v = await db.modelVersion.findUnique({ where: { id: top.versionId }, select: { signature: true, referenceProfile: true } });
  return v ? { name: top.name, signature: readJson(signatureSchema, v.signature, "signature"), profile: v.referenceProfile } : null;
}
