import * as ort from "onnxruntime-node";
import type { Signature } from "../../../onnx/signature";
import type { Feeds, Outputs } from "../../shared/tensors";

export function toOrtFeeds(feeds: Feeds, sig: Signature): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const spec of sig.inputs) {
    const t = feeds[spec.name];
    const d = t.data;
    let data: ort.Tensor.DataType;
    switch (spec.type) {
      case "float32": data = Float32Array.from(d as number[]); break;
      case "float64": data = Float64Array.from(d as number[]); break;
      case "int32": data = Int32Array.from(d as number[]); break;
      case "int64": data = BigInt64Array.from((d as number[]).map((x) => BigInt(Math.trunc(x)))); break;
      case "bool": data = Uint8Array.from((d as number[]).map((x) => (x ? 1 : 0))); break;
      case "string": data = d as string[]; break;
      default: throw new Error(`unsupported input type ${spec.type}`);
    }
    out[spec.name] = new ort.Tensor(spec.type as "float32", data as Float32Array, t.shape);
  }
  return out;
}

export function fromOrtOutputs(results: ort.InferenceSession.OnnxValueMapType): Outputs {
  const out: Outputs = {};
  for (const [name, value] of Object.entries(results)) {
    const t = value as ort.Tensor;
    const data = t.type === "string" ? (t.data as string[]) : Array.from(t.data as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? Number(x) : x));
    out[name] = { shape: t.dims.map(Number), data };
  }
  return out;
}
