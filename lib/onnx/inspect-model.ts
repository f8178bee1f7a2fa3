// Loads a model file in onnxruntime to prove it runs, and reads its input/output signature.
import * as ort from "onnxruntime-node";
import { AppError } from "../errors";
import type { Signature, TensorSpec } from "./signature";

export type { Signature, TensorSpec };


function specs(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === "number" && d < 0 ? "?" : d)) } : { name: m.name, type: "non-tensor", shape: [] },
  );
}

export async function inspectModel(file: string, sizeBytes: number): Promise<Signature> {
  if (sizeBytes === 0) throw new AppError("unprocessable", "the uploaded file is empty");
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "basic" });
  } catch (err) {
    const reason = String((err as Error).message ?? err).replace(/\s+/g, " ").slice(0, 300);
    throw new AppError("unprocessable", `file is not a loadable ONNX model: ${reason}`);
  }
  try {
    return { inputs: specs(session.inputMetadata), outputs: specs(session.outputMetadata) };
  } finally {
    await session.release();
  }
}
