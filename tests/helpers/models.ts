import { loadGermanCredit } from "@/lib/training/german-credit";
import { trainClassifier, type ClassifierKind } from "@/lib/training/train-classifier";

const cache = new Map<ClassifierKind, ReturnType<typeof trainClassifier>>();

/** A real German-credit model, trained once per test file (few epochs: tests need a valid model, not a good one). */
export function trained(kind: ClassifierKind = "logistic_regression") {
  if (!cache.has(kind)) cache.set(kind, trainClassifier({ name: kind, data: loadGermanCredit(), kind, epochs: 30 }));
  return cache.get(kind)!;
}

import { GraphBuilder, attr } from "@/lib/onnx/graph-builder";
import { DataType } from "@/lib/onnx/proto";

/**
 * A model with the same signature as `trained()` that loads and warms up (all-zero inputs) but
 * fails on real rows: it indexes a 10-entry table with `amount`, which is out of range for real data.
 */
export function brokenModel(): Uint8Array {
  const { spec } = trained();
  const g = new GraphBuilder("broken");
  for (const f of spec.numeric) g.input(f.name, DataType.FLOAT, ["N", 1]);
  for (const c of spec.categorical) g.input(c.name, DataType.STRING, ["N", 1]);
  const idx = g.node("Cast", ["amount"], [attr.int("to", DataType.INT64)]);
  const table = g.floats("table", [10], Array.from({ length: 10 }, (_, i) => i / 10));
  const picked = g.node("Gather", [table, idx], [attr.int("axis", 0)]);
  g.node("Sigmoid", [picked], [], undefined, "probability");
  g.output("probability", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}

/** A valid model whose inputs differ from the German-credit models (one numeric input `x`). */
export function otherSignatureModel(): Uint8Array {
  const g = new GraphBuilder("other");
  const x = g.input("x", DataType.FLOAT, ["N", 1]);
  g.node("Sigmoid", [x], [], undefined, "probability");
  g.output("probability", DataType.FLOAT, ["N", 1]);
  return g.toBytes();
}
