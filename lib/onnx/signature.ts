// A model's input/output signature, as read from the ONNX file at upload and stored with the version.
// Plain types and their schema: every process may import this (the control plane never loads onnxruntime).
import { z } from "zod";

export const tensorSpecSchema = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) });
export const signatureSchema = z.object({ inputs: z.array(tensorSpecSchema), outputs: z.array(tensorSpecSchema) });

export type TensorSpec = z.infer<typeof tensorSpecSchema>;
export type Signature = z.infer<typeof signatureSchema>;
