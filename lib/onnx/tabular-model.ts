// Tabular classifiers as ONNX graphs that take raw feature records: one input per feature
// ([N,1] float for numbers, [N,1] string for categories), standardisation and one-hot
// encoding inside the graph, then dense layers and a sigmoid giving `probability` [N,1].
import { DataType } from "./proto";
import { attr, GraphBuilder, ML_DOMAIN } from "./graph-builder";

export type NumericFeature = { name: string; mean: number; std: number };
export type CategoricalFeature = { name: string; categories: string[] };
export type FeatureSpec = { numeric: NumericFeature[]; categorical: CategoricalFeature[] };
/** Dense layer, weights row-major [inputs x outputs]. */
export type DenseLayer = { inputs: number; outputs: number; weights: ArrayLike<number>; bias: ArrayLike<number> };

export const OUTPUT_NAME = "probability";

export function encodedWidth(features: FeatureSpec): number {
  return features.numeric.length + features.categorical.reduce((n, c) => n + c.categories.length, 0);
}

export function buildTabularClassifier(opts: {
  name: string;
  features: FeatureSpec;
  layers: DenseLayer[];
  docString?: string;
  props?: Record<string, string>;
}): Uint8Array {
  const { features, layers } = opts;
  if (!layers.length) throw new Error("a classifier needs at least one layer");
  if (layers[0].inputs !== encodedWidth(features)) throw new Error(`first layer takes ${layers[0].inputs} inputs, features encode to ${encodedWidth(features)}`);
  if (layers[layers.length - 1].outputs !== 1) throw new Error("last layer must have one output");

  const g = new GraphBuilder(opts.name);
  const parts: string[] = [];

  if (features.numeric.length) {
    const cols = features.numeric.map((f) => g.input(f.name, DataType.FLOAT, ["N", 1]));
    const stacked = cols.length > 1 ? g.node("Concat", cols, [attr.int("axis", 1)]) : cols[0];
    const k = features.numeric.length;
    const centered = g.node("Sub", [stacked, g.floats("num_mean", [k], features.numeric.map((f) => f.mean))]);
    parts.push(g.node("Div", [centered, g.floats("num_std", [k], features.numeric.map((f) => f.std || 1))]));
  }
  for (const c of features.categorical) {
    const x = g.input(c.name, DataType.STRING, ["N", 1]);
    // zeros=1: a category not seen in training encodes as all zeros instead of failing the request
    const onehot = g.node("OneHotEncoder", [x], [attr.strings("cats_strings", c.categories), attr.int("zeros", 1)], ML_DOMAIN);
    g.declare(onehot, DataType.FLOAT, ["N", 1, c.categories.length]);
    parts.push(g.node("Flatten", [onehot], [attr.int("axis", 1)]));
  }

  let h = parts.length > 1 ? g.node("Concat", parts, [attr.int("axis", 1)]) : parts[0];
  layers.forEach((layer, i) => {
    const w = g.floats(`w${i}`, [layer.inputs, layer.outputs], layer.weights);
    const b = g.floats(`b${i}`, [layer.outputs], layer.bias);
    h = g.node("Gemm", [h, w, b]);
    if (i < layers.length - 1) h = g.node("Relu", [h]);
  });
  g.node("Sigmoid", [h], [], undefined, OUTPUT_NAME);
  g.output(OUTPUT_NAME, DataType.FLOAT, ["N", 1]);
  return g.toBytes({ docString: opts.docString, props: opts.props });
}
