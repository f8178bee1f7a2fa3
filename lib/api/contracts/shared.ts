import { z } from "zod";
import { slugName } from "../../names";
import { dbInt, dbIntParam, dbJson, dbText } from "../../db/stored-values";
import { signatureSchema as signature, tensorSpecSchema } from "../../onnx/signature";

/**
 * Schemas that get a name of their own in the OpenAPI document (`components.schemas`) and are referenced
 * wherever they appear. Request and response bodies without a name here are named after their contract.
 */
export const namedSchemas = new Map<string, z.ZodType>();
export function named<T extends z.ZodType>(name: string, schema: T): T {
  namedSchemas.set(name, schema); // by name: a module evaluated again (dev reloads) replaces its schemas
  return schema;
}

export { slugName };
/**
 * Every string the API stores or queries with is `dbText` (no NUL, no lone surrogate), every integer
 * `dbInt` (path and query parameters: `dbIntParam`), so Postgres never sees what it cannot take.
 */
export { dbInt, dbIntParam, dbJson, dbText };

export const modelParams = z.object({ model: slugName });
export const versionParams = z.object({ model: slugName, n: dbIntParam.positive() });

export const tensorSpec = named("TensorSpec", tensorSpecSchema);
export const signatureSchema = named("Signature", signature);

export const errorSchema = named("Error", z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional().describe("the input the error concerns, e.g. body.variants.1.version") }) }));
