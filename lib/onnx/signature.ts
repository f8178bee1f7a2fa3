// A model's input/output signature, as read from the ONNX file at upload and stored with the version.
// Plain types and their schema: every process may import this (the control plane never loads onnxruntime).
import { z } from "zod";

export const tensorSpecSchema = z.object({ name: z.string(), type: z.string(), shape: z.array(z.union([z.number(), z.string()])) });
export const signatureSchema = z.object({ inputs: z.array(tensorSpecSchema), outputs: z.array(tensorSpecSchema) });

export type TensorSpec = z.infer<typeof tensorSpecSchema>;
export type Signature = z.infer<typeof signatureSchema>;

/** What onnxruntime reports for one input or output (InferenceSession.inputMetadata), structurally. */
type ValueMetadata = { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };

/** The signature of a session's inputs or outputs; unknown dimensions become "?". */
export function specsFromMetadata(meta: readonly ValueMetadata[]): TensorSpec[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type ?? "unknown", shape: (m.shape ?? []).map((d) => (typeof d === "number" && d < 0 ? "?" : d)) } : { name: m.name, type: "non-tensor", shape: [] },
  );
}
