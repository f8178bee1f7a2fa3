import { loadGermanCredit } from "@/lib/training/german-credit";
import { trainClassifier, type ClassifierKind } from "@/lib/training/train-classifier";

const cache = new Map<ClassifierKind, ReturnType<typeof trainClassifier>>();

/** A real German-credit model, trained once per test file (few epochs: tests need a valid model, not a good one). */
export function trained(kind: ClassifierKind = "logistic_regression") {
  if (!cache.has(kind)) cache.set(kind, trainClassifier({ name: kind, data: loadGermanCredit(), kind, epochs: 30 }));
  return cache.get(kind)!;
}
