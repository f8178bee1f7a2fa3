// The gateway's answers written from per-variant templates: byte for byte what JSON.stringify made
// of the OIP v2 and predict answer objects, NaN (as null), 64-bit integers and strings included.
import { describe, expect, it } from "vitest";
import type { Signature } from "@/lib/onnx/signature";
import type { Variant } from "@/lib/serving/shared/routing";
import { answerTemplate, oipAnswer, predictAnswer } from "@/lib/serving/data/gateway/answer-template";
import { oipDatatype, tensorsToLists, type Tensor } from "@/lib/serving/shared/tensors";

const sig: Signature = { inputs: [], outputs: [{ name: "label", type: "int64", shape: ["N"] }, { name: "probabilities", type: "float32", shape: ["N", 2] }, { name: "tag", type: "string", shape: ["N", 1] }] };
const variant = { name: "credit-\"v2\"", version: 2 } as Variant;
const outputs: Tensor[] = [
  { name: "label", type: "int64", dims: [3], data: BigInt64Array.of(1n, 0n, 1n) },
  { name: "probabilities", type: "float32", dims: [3, 2], data: Float32Array.of(0.1, 0.9, Number.NaN, 0.5, 1e-7, Number.POSITIVE_INFINITY) },
  { name: "tag", type: "string", dims: [3, 1], data: ["a", "é\"q\"", "\u0000"] },
  { name: "unknown", type: "float32", dims: [3, 1], data: Float32Array.of(-0, 1.5, 3) },
];

describe("answer templates", () => {
  it("write the OIP v2 answer exactly as JSON.stringify of its object did", () => {
    const t = answerTemplate("end\"point", variant, sig);
    for (const id of ["req-1", 42, { nested: ["x"] }]) {
      const lists = tensorsToLists(outputs);
      const old = JSON.stringify({
        model_name: "end\"point", model_version: "2", id,
        outputs: Object.entries(lists).map(([name, o]) => ({ name, shape: o.shape, datatype: oipDatatype(sig.outputs.find((s) => s.name === name)?.type ?? "float32"), data: o.data })),
      });
      expect(oipAnswer(t, id, outputs)).toBe(old);
    }
  });

  it("write the predict answer exactly as before: one value per row, or one list per row", () => {
    const t = answerTemplate("e", variant, sig);
    expect(predictAnswer(t, "r\"1", outputs, 3)).toBe(JSON.stringify({ predictions: [1, 0, 1], model_version: 2, variant: variant.name, id: "r\"1" }));
    expect(predictAnswer(t, "r", outputs.slice(1), 3)).toBe(JSON.stringify({ predictions: [[0.10000000149011612, 0.8999999761581421], [null, 0.5], [1.0000000116860974e-7, null]], model_version: 2, variant: variant.name, id: "r" }));
    expect(predictAnswer(t, "r", outputs.slice(2), 3)).toBe(JSON.stringify({ predictions: ["a", "é\"q\"", "\u0000"], model_version: 2, variant: variant.name, id: "r" }));
  });
});
