import * as ort from "onnxruntime-node";
import type { Signature } from "../../../onnx/signature";
import type { Feeds, Outputs } from "../../shared/tensors";
import { feedsToWire, wireToOutputs, type WireData, type WireFeeds } from "./session-protocol";

/** Typed arrays from the worker → onnxruntime tensors (in the session process). */
export function wireToOrt(feeds: WireFeeds): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const t of feeds) out[t.name] = new ort.Tensor(t.type as "float32", t.data as Float32Array, t.dims);
  return out;
}

/** onnxruntime's results → typed arrays for the worker (in the session process). */
export function ortToWire(results: ort.InferenceSession.OnnxValueMapType): WireFeeds {
  const out: WireFeeds = [];
  for (const name in results) {
    const t = results[name] as ort.Tensor;
    out.push({ name, type: t.type, dims: t.dims.map(Number), data: t.data as WireData });
  }
  return out;
}

export function toOrtFeeds(feeds: Feeds, sig: Signature): Record<string, ort.Tensor> {
  return wireToOrt(feedsToWire(feeds, sig));
}

export function fromOrtOutputs(results: ort.InferenceSession.OnnxValueMapType): Outputs {
  return wireToOutputs(ortToWire(results));
}
