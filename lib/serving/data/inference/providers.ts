// Chooses onnxruntime execution providers for a device, probing that the provider really works.
import * as ort from "onnxruntime-node";
import { GraphBuilder } from "../../../onnx/graph-builder";
import { DataType } from "../../../onnx/proto";

export type DeviceChoice = { device: "cpu" | "cuda" | "webgpu"; providers: string[]; fallbackReason: string | null };

function probeModel(): Uint8Array {
  const g = new GraphBuilder("probe");
  const x = g.input("x", DataType.FLOAT, [1]);
  g.node("Identity", [x], [], undefined, "y");
  g.output("y", DataType.FLOAT, [1]);
  return g.toBytes();
}

export class DeviceUnavailable extends Error {}

export async function chooseDevice(requested: string, fallback: "cpu" | "refuse"): Promise<DeviceChoice> {
  if (requested === "cpu") return { device: "cpu", providers: ["cpu"], fallbackReason: null };
  if (requested !== "cuda" && requested !== "webgpu") throw new DeviceUnavailable(`unknown device "${requested}" (use cpu, cuda or webgpu)`);
  let reason: string;
  try {
    const s = await ort.InferenceSession.create(probeModel(), { executionProviders: [requested] });
    await s.run({ x: new ort.Tensor("float32", Float32Array.of(1), [1]) });
    await s.release();
    return { device: requested, providers: [requested, "cpu"], fallbackReason: null };
  } catch (err) {
    reason = `${requested} execution provider unavailable: ${String((err as Error).message).split("\n")[0].slice(0, 200)}`;
  }
  if (fallback === "refuse") throw new DeviceUnavailable(reason);
  return { device: "cpu", providers: ["cpu"], fallbackReason: reason };
}
