import { z } from "zod";

export const slugName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-_.]*$/, "use lowercase letters, digits, '-', '_' or '.', starting with a letter or digit");

export const modelParams = z.object({ model: slugName });
export const versionParams = z.object({ model: slugName, n: z.coerce.number().int().positive() });

export const tensorSpec = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) });
export const signatureSchema = z.object({ inputs: z.array(tensorSpec), outputs: z.array(tensorSpec) });

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
