// Static checks of an uploaded ONNX file (lib/onnx/check-model-limits.ts): declared sizes and node
// counts are refused from the protobuf alone, naming the tensor and the limit.
import { describe, expect, it } from "vitest";
import { checkModelLimits, DEFAULT_MODEL_LIMITS, ModelLimitError } from "@/lib/onnx/check-model-limits";
import { GraphBuilder } from "@/lib/onnx/graph-builder";
import { DataType } from "@/lib/onnx/proto";
import { hugeInputModel, loopModel, matmulChainModel, rowMixingModel } from "../helpers/hostile-models";

const limits = { maxNodes: 1000, maxDeclaredElements: 1_000_000, maxInitializerElements: 100_000 };
const refusal = (bytes: Uint8Array, l = limits): string | null => {
  try {
    checkModelLimits(bytes, l);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelLimitError);
    return (err as Error).message;
  }
};

describe("checkModelLimits", () => {
  it("accepts ordinary models, subgraphs included", () => {
    for (const m of [loopModel(), rowMixingModel(), matmulChainModel()]) expect(refusal(m)).toBeNull();
  });

  it("refuses a declared input with an absurd fixed dimension", () => {
    expect(refusal(hugeInputModel())).toBe('input "x" declares [1, 34000000]: 34000000 values, more than the limit of 1000000 (MODEL_MAX_DECLARED_ELEMENTS)');
    expect(refusal(hugeInputModel(), { ...limits, maxDeclaredElements: DEFAULT_MODEL_LIMITS.maxDeclaredElements })).toMatch(/MODEL_MAX_DECLARED_ELEMENTS/);
  });

  it("counts dynamic dimensions as 1 and checks outputs and intermediate values too", () => {
    const g = new GraphBuilder("decl");
    const x = g.input("x", DataType.FLOAT, ["N", 1000]);
    const y = g.node("Relu", [x]);
    g.declare(y, DataType.FLOAT, ["N", 5000, 300]);
    g.node("Identity", [y], [], undefined, "out");
    g.output("out", DataType.FLOAT, ["N", 1000]);
    expect(refusal(g.toBytes())).toBe(`value "${y}" declares [N, 5000, 300]: 1500000 values, more than the limit of 1000000 (MODEL_MAX_DECLARED_ELEMENTS)`);
  });

  it("refuses large initializers and constants", () => {
    const g = new GraphBuilder("init");
    const x = g.input("x", DataType.FLOAT, ["N", 1]);
    g.node("Add", [x, g.floats("big", [400, 400], new Float32Array(160_000))], [], undefined, "y");
    g.output("y", DataType.FLOAT, ["N", 400]);
    expect(refusal(g.toBytes())).toBe('initializer "big" has [400, 400]: 160000 values, more than the limit of 100000 (MODEL_MAX_INITIALIZER_ELEMENTS)');
  });

  it("counts the nodes of subgraphs", () => {
    // 6 nodes in the main graph, 3 in the Loop's body
    expect(refusal(loopModel(), { ...limits, maxNodes: 9 })).toBeNull();
    expect(refusal(loopModel(), { ...limits, maxNodes: 8 })).toBe("the graph has more than 8 nodes, subgraphs included (MODEL_MAX_NODES)");
  });

  it("says when the bytes are not an ONNX model", () => {
    expect(() => checkModelLimits(Buffer.from("not a model at all"), limits)).toThrow(/not an ONNX protobuf/);
    expect(() => checkModelLimits(new Uint8Array(0), limits)).toThrow("the file has no graph");
  });
});
