// The benchmark's tiny model: a logistic regression on German credit's first 7 numeric features as
// ONE float32 input `x` [N,7] (standardisation, Gemm, Sigmoid inside the graph). Small enough that a
// request's fixed costs (HTTP, JSON, hops, logging) dominate, which is what the serving bench is after.
import { GraphBuilder, attr } from "../../../lib/onnx/graph-builder";
import { DataType } from "../../../lib/onnx/proto";
import { OUTPUT_NAME } from "../../../lib/onnx/tabular-model";
import { initLayers, toDenseLayers, train } from "../../../lib/training/dense-network";
import { GERMAN_CREDIT_NUMERIC } from "../../../lib/training/german-credit";
import { encodeRows, fitFeatureSpec, splitTrainTest, type TabularData } from "../../../lib/training/tabular-data";

export const TINY_FEATURES = GERMAN_CREDIT_NUMERIC.slice(0, 7);
export const TINY_INPUT = "x";

export function buildTinyModel(data: TabularData): { onnx: Uint8Array; row: number[] } {
  const numericOnly: TabularData = { ...data, numeric: TINY_FEATURES, categorical: [] };
  const { train: trainSet, test } = splitTrainTest(numericOnly, 0.2, 7);
  const spec = fitFeatureSpec(trainSet);
  const layers = initLayers([TINY_FEATURES.length, 1], 7);
  train(layers, encodeRows(spec, trainSet.rows), trainSet.labels, { epochs: 300, learningRate: 0.05, l2: 1e-3 });
  const [dense] = toDenseLayers(layers);

  const k = TINY_FEATURES.length;
  const g = new GraphBuilder("tiny-credit");
  const x = g.input(TINY_INPUT, DataType.FLOAT, ["N", k]);
  const centered = g.node("Sub", [x, g.floats("mean", [k], spec.numeric.map((f) => f.mean))]);
  const scaled = g.node("Div", [centered, g.floats("std", [k], spec.numeric.map((f) => f.std || 1))]);
  const logit = g.node("Gemm", [scaled, g.floats("w", [k, 1], dense.weights), g.floats("b", [1], dense.bias)], [attr.int("transB", 0)]);
  g.node("Sigmoid", [logit], [], undefined, OUTPUT_NAME);
  g.output(OUTPUT_NAME, DataType.FLOAT, ["N", 1]);
  const row = TINY_FEATURES.map((f) => test.rows[0][f] as number);
  return { onnx: g.toBytes({ docString: "tiny logistic regression (7 floats) for bench:serving" }), row };
}
