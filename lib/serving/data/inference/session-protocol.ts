// What the inference worker and its session processes (session-process.ts) say to each other over
// Node's IPC channel (structured clone, so typed arrays cross as binary, not as JSON lists).
import type { Signature } from "../../../onnx/signature";
import type { Feeds, Outputs } from "../../shared/tensors";

export type WireData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | string[];
export type WireTensor = { type: string; dims: number[]; data: WireData };
export type WireFeeds = Record<string, WireTensor>;

export type SessionConfig = { file: string; providers: string[]; intraOpThreads: number };

export type ToSession = ({ type: "load" } & SessionConfig) | { type: "run"; id: number; feeds: WireFeeds };
export type FromSession =
  | { type: "loaded"; signature: Signature }
  | { type: "load_failed"; message: string }
  | { type: "result"; id: number; outputs: WireFeeds }
  | { type: "run_failed"; id: number; message: string };

/** Validated request tensors (lists of numbers or strings) → typed arrays of the model's input types. */
export function feedsToWire(feeds: Feeds, sig: Signature): WireFeeds {
  const out: WireFeeds = {};
  for (const spec of sig.inputs) {
    const t = feeds[spec.name];
    const d = t.data;
    let data: WireData;
    switch (spec.type) {
      case "float32": data = Float32Array.from(d as number[]); break;
      case "float64": data = Float64Array.from(d as number[]); break;
      case "int32": data = Int32Array.from(d as number[]); break;
      case "int64": data = BigInt64Array.from((d as number[]).map((x) => BigInt(Math.trunc(x)))); break;
      case "bool": data = Uint8Array.from((d as number[]).map((x) => (x ? 1 : 0))); break;
      case "string": data = d as string[]; break;
      default: throw new Error(`unsupported input type ${spec.type}`);
    }
    out[spec.name] = { type: spec.type, dims: t.shape, data };
  }
  return out;
}

/** A session's outputs as plain lists, for JSON answers (int64 becomes number, bool 0/1). */
export function wireToOutputs(wire: WireFeeds): Outputs {
  const out: Outputs = {};
  for (const [name, t] of Object.entries(wire)) {
    const data = Array.isArray(t.data) ? t.data : Array.from(t.data as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? Number(x) : x));
    out[name] = { shape: t.dims, data };
  }
  return out;
}
