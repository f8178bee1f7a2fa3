// Plain values for the unit tests: variants, routings and a signature shaped like the German-credit models.
import type { Signature } from "@/lib/onnx/signature";
import { DEFAULT_BATCHING, variantName, type Routing, type Sticky, type Variant } from "@/lib/serving/shared/routing";
import { seededRandom } from "@/lib/training/random";

export function variant(version: number, weight: number, extra: Partial<Variant> = {}): Variant {
  const model = extra.model ?? "credit";
  return {
    name: variantName(model, version),
    model,
    version,
    versionId: `ver-${model}-${version}`,
    sha256: String(version).repeat(64).slice(0, 64),
    weight,
    role: "primary",
    device: "cpu",
    replicas: 1,
    batching: DEFAULT_BATCHING,
    ...extra,
  };
}

export const routing = (variants: Variant[], sticky: Sticky = null): Routing => ({ variants, sticky });

/** Two tabular inputs, one numeric and one categorical, each a [N,1] column; one probability out. */
export const creditSignature: Signature = {
  inputs: [
    { name: "age", type: "float32", shape: ["N", 1] },
    { name: "purpose", type: "string", shape: ["N", 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: ["N", 1] }],
};

/** `n` distinct user ids. */
export const users = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);

/** A small deterministic PRNG (the trainer's mulberry32), so figures computed from "random" data are reproducible. */
export const seeded = seededRandom;
