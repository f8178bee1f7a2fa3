import { z } from "zod";

/**
 * Schemas that get a name of their own in the OpenAPI document (`components.schemas`) and are referenced
 * wherever they appear. Request and response bodies without a name here are named after their contract.
 */
export const namedSchemas = new Map<string, z.ZodType>();
export function named<T extends z.ZodType>(name: string, schema: T): T {
  namedSchemas.set(name, schema); // by name: a module evaluated again (dev reloads) replaces its schemas
  return schema;
}

export const slugName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-_.]*$/, "use lowercase letters, digits, '-', '_' or '.', starting with a letter or digit");

export const modelParams = z.object({ model: slugName });
export const versionParams = z.object({ model: slugName, n: z.coerce.number().int().positive() });

export const tensorSpec = named("TensorSpec", z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) }));
export const signatureSchema = named("Signature", z.object({ inputs: z.array(tensorSpec), outputs: z.array(tensorSpec) }));

export const errorSchema = named("Error", z.object({ error: z.object({ code: z.string(), message: z.string() }) }));
