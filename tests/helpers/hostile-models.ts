// Hostile ONNX models, built in code, for the model-sandbox tests (tests/security/model-sandbox.test.ts).
import { attr, GraphBuilder } from "@/lib/onnx/graph-builder";
import { DataType } from "@/lib/onnx/proto";

/**
 * A model whose work depends on its input: a Loop whose trip count is the largest value of `n`
 * ([N,1] float); each iteration multiplies a 64×64 matrix. `y` = `n` (the loop's result times 0),
 * so it answers cheaply for small `n` (0 at warm-up, fractions in the row-independence probe).
 */
export function loopModel(): Uint8Array {
  const g = new GraphBuilder("slow-loop");
  const n = g.input("n", DataType.FLOAT, ["N", 1]);
  const max = g.node("ReduceMax", [n], [attr.int("keepdims", 0)]);
  const trips = g.node("Cast", [max], [attr.int("to", DataType.INT64)]);
  const v0 = g.floats("v0", [64, 64], new Array(64 * 64).fill(0.01));

  const body = new GraphBuilder("loop-body");
  body.input("iter", DataType.INT64, []);
  body.input("cond_in", DataType.BOOL, []);
  body.input("v_in", DataType.FLOAT, [64, 64]);
  const w = body.floats("w", [64, 64], Array.from({ length: 64 * 64 }, (_, i) => ((i % 7) - 3) / 50));
  const mm = body.node("MatMul", ["v_in", w], [], undefined, "body_mm");
  body.node("Tanh", [mm], [], undefined, "v_out");
  body.node("Identity", ["cond_in"], [], undefined, "cond_out");
  body.output("cond_out", DataType.BOOL, []);
  body.output("v_out", DataType.FLOAT, [64, 64]);

  const vf = g.node("Loop", [trips, "", v0], [attr.graph("body", body)]);
  const sum = g.node("ReduceSum", [vf], [attr.int("keepdims", 0)]);
  const zero = g.node("Mul", [sum, g.floats("zero", [], [0])]);
  g.node("Add", [n, zero], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

/**
 * A tiny file whose session creation is slow (tens of seconds) but needs little memory (64 MiB per
 * link): a chain of `links` [size×size] MatMuls over
 * constants, which onnxruntime folds (computes) when it optimises the graph.
 */
export function matmulChainModel(size = 4096, links = 6): Uint8Array {
  const g = new GraphBuilder("matmul-chain");
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  let m = g.node("ConstantOfShape", [g.int64s("shape", [size, size])]);
  for (let i = 0; i < links; i++) m = g.node("MatMul", [m, m]);
  const s = g.node("ReduceSum", [m], [attr.int("keepdims", 0)]);
  g.node("Add", [x, s], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

/**
 * A tiny file whose session creation needs a lot of memory: a [size×size] constant (256 MiB at the
 * default size) doubled `links` times, each result a new constant of that size when folded.
 */
export function memoryHogModel(size = 8192, links = 4): Uint8Array {
  const g = new GraphBuilder("memory-hog");
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  let m = g.node("ConstantOfShape", [g.int64s("shape", [size, size])]);
  const parts: string[] = [];
  for (let i = 0; i < links; i++) parts.push((m = g.node("Add", [m, m])));
  const s = g.node("ReduceSum", [g.node("Concat", parts, [attr.int("axis", 0)])], [attr.int("keepdims", 0)]);
  g.node("Add", [x, s], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

/** A model that declares an absurd fixed input, `x: [1, width]` (default 34,000,000 values). */
export function hugeInputModel(width = 34_000_000): Uint8Array {
  const g = new GraphBuilder("huge-input");
  const x = g.input("x", DataType.FLOAT, [1, width]);
  g.node("ReduceSum", [x], [attr.int("keepdims", 1)], undefined, "y");
  g.output("y", DataType.FLOAT, [1, 1]);
  return g.toBytes();
}

/** A model whose answer for a row depends on the other rows: `y = x - mean(x over the batch)`. */
export function rowMixingModel(): Uint8Array {
  const g = new GraphBuilder("row-mixing");
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  const mean = g.node("ReduceMean", [x], [attr.ints("axes", [0]), attr.int("keepdims", 1)]);
  g.node("Sub", [x, mean], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

/**
 * A model whose memory depends on its input, allocated when it runs (not at load): a float tensor of
 * max(`n`) values (ConstantOfShape, then +1 so every page is written), summed; `y` = `n` (the sum times 0).
 * Cheap for small `n` (0 at warm-up); `n` = 300,000,000 needs over 2 GiB.
 */
export function runtimeMemoryModel(): Uint8Array {
  const g = new GraphBuilder("runtime-memory");
  const n = g.input("n", DataType.FLOAT, ["N", 1]);
  const max = g.node("ReduceMax", [n], [attr.int("keepdims", 1)]);
  const size = g.node("Reshape", [g.node("Cast", [max], [attr.int("to", DataType.INT64)]), g.int64s("one", [1])]);
  const big = g.node("Add", [g.node("ConstantOfShape", [size]), g.floats("plus", [], [1])]);
  const sum = g.node("ReduceSum", [big], [attr.int("keepdims", 0)]);
  const zero = g.node("Mul", [sum, g.floats("zero", [], [0])]);
  g.node("Add", [n, zero], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}
