import { z } from "zod";
import { slugName } from "../../names";

export { slugName };

export const modelParams = z.object({ model: slugName });
export const versionParams = z.object({ model: slugName, n: z.coerce.number().int().positive() });

export { signatureSchema } from "../../onnx/signature";

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional().describe("the input the error concerns, e.g. body.variants.1.version") }) });
