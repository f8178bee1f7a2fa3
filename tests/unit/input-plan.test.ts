// The gateway's one-pass parse (input-plan.ts) against the reference check (fromOip/fromInstances +
// validateFeeds): for every body, valid or not, the same tensors or the same error message.
import { describe, expect, it } from "vitest";
import type { Signature } from "@/lib/onnx/signature";
import { compileInputPlan, parseInstances, parseOip, planFor } from "@/lib/serving/shared/input-plan";
import { fromInstances, fromOip, InputError, MAX_ROWS, toTensors, validateFeeds, type Tensor } from "@/lib/serving/shared/tensors";
import { creditSignature } from "./fixtures";

const typed: Signature = {
  inputs: [
    { name: "x", type: "float64", shape: ["N", 2] },
    { name: "n", type: "int64", shape: ["N", 1] },
    { name: "flag", type: "bool", shape: ["N", 1] },
    { name: "k", type: "int32", shape: ["N", 1] },
  ],
  outputs: [],
};

type Outcome = { ok: [string, string, number[], unknown[]][]; rows: number } | { error: string };
const view = (feeds: Tensor[], rows: number): Outcome => ({ ok: feeds.map((t) => [t.name, t.type, t.dims, Array.isArray(t.data) ? t.data : Array.from(t.data as ArrayLike<unknown>)]), rows });
function outcome(fn: () => { feeds: Tensor[]; rows: number }): Outcome {
  try {
    const { feeds, rows } = fn();
    return view(feeds, rows);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return { error: (err as Error).message };
  }
}
const reference = (form: "oip" | "instances", body: unknown, sig: Signature) =>
  outcome(() => {
    const { feeds, rows } = validateFeeds(form === "oip" ? fromOip(body, sig) : fromInstances(body, sig), sig);
    return { feeds: toTensors(feeds, sig), rows };
  });
const fast = (form: "oip" | "instances", body: unknown, sig: Signature) => outcome(() => (form === "oip" ? parseOip : parseInstances)(compileInputPlan(sig), body));

const age = (o: object = {}) => ({ name: "age", shape: [2, 1], datatype: "FP32", data: [35, 51], ...o });
const purpose = (o: object = {}) => ({ name: "purpose", shape: [2, 1], datatype: "BYTES", data: ["car", "radio/tv"], ...o });

const OIP_BODIES: [string, unknown, Signature?][] = [
  ["flat data", { inputs: [age(), purpose()] }],
  ["nested data, inputs in another order", { inputs: [purpose({ data: [["car"], ["télé"]] }), age({ data: [[35], [51]] })] }],
  ["not an object", null],
  ["inputs not a list", { inputs: {} }],
  ["a missing input", { inputs: [age()] }],
  ["an unknown input", { inputs: [age(), purpose(), { name: "zip", shape: [2, 1], datatype: "FP32", data: [1, 2] }] }],
  ["an input without a name", { inputs: [age(), { shape: [2, 1] }] }],
  ["a null input", { inputs: [age(), null] }],
  ["a duplicate input (the last one wins)", { inputs: [age(), purpose(), age({ data: [1, 2] })] }],
  ["the wrong datatype", { inputs: [age({ datatype: "INT64" }), purpose()] }],
  ["no datatype", { inputs: [age({ datatype: undefined }), purpose()] }],
  ["a shape of strings", { inputs: [age({ shape: ["2", 1] }), purpose()] }],
  ["a negative dimension", { inputs: [age({ shape: [-2, 1] }), purpose()] }],
  ["too many dimensions", { inputs: [age({ shape: [2, 1, 1] }), purpose()] }],
  ["a fixed dimension off", { inputs: [age({ shape: [1, 2] }), purpose()] }],
  ["too few values", { inputs: [age({ data: [35] }), purpose()] }],
  ["too many nested values", { inputs: [age({ data: [[35, 1], [51]] }), purpose()] }],
  ["data not a list", { inputs: [age({ data: 35 }), purpose()] }],
  ["a string among numbers", { inputs: [age({ data: [35, "51"] }), purpose()] }],
  ["a boolean among numbers", { inputs: [age({ data: [35, true] }), purpose()] }],
  ["a number among strings", { inputs: [age(), purpose({ data: ["car", 3] })] }],
  ["a NUL in a string", { inputs: [age(), purpose({ data: ["car", "a\u0000b"] })] }],
  ["a lone surrogate", { inputs: [age(), purpose({ data: ["\ud800", "car"] })] }],
  ["rows that differ between inputs", { inputs: [age({ shape: [1, 1], data: [35] }), purpose()] }],
  ["zero rows", { inputs: [age({ shape: [0, 1], data: [] }), purpose({ shape: [0, 1], data: [] })] }],
  ["too many rows", { inputs: [age({ shape: [MAX_ROWS + 1, 1], data: new Array(MAX_ROWS + 1).fill(1) }), purpose({ shape: [MAX_ROWS + 1, 1], data: new Array(MAX_ROWS + 1).fill("a") })] }],
  ["a huge declared shape", { inputs: [age({ shape: [2, 1e12] }), purpose()], }, { ...creditSignature, inputs: [{ name: "age", type: "float32", shape: ["N", "M"] }, creditSignature.inputs[1]] }],
  // size 0, so the value count matches: the dimension itself must be refused (the worker hop carries u32 dimensions)
  ["a dimension past 2^31-1 with no values", { inputs: [{ name: "img", shape: [1, 4294967296, 0], datatype: "FP32", data: [] }] }, { inputs: [{ name: "img", type: "float32", shape: ["N", "H", "W"] }], outputs: [] }],
  ["64-bit ints, bools (as 0/1), int32 and float64 pairs", { inputs: [
    { name: "x", shape: [2, 2], datatype: "FP64", data: [[0.1, 0.2], [1e300, -3]] },
    { name: "n", shape: [2, 1], datatype: "INT64", data: [9007199254740991, -2.7] },
    { name: "flag", shape: [2, 1], datatype: "BOOL", data: [2, 0] },
    { name: "k", shape: [2, 1], datatype: "INT32", data: [7, -1.5] },
  ] }, typed],
];

const INSTANCES_BODIES: [string, unknown, Signature?][] = [
  ["two rows", { instances: [{ age: 35, purpose: "car" }, { purpose: "télé", age: 51 }] }],
  ["not a list", { instances: {} }],
  ["no rows", { instances: [] }],
  ["a row that is not an object", { instances: [{ age: 35, purpose: "car" }, 3] }],
  ["a missing feature", { instances: [{ age: 35 }] }],
  ["an unknown feature", { instances: [{ age: 35, purpose: "car", zip: 1 }] }],
  ["an unknown feature instead of a known one", { instances: [{ age: 35, zip: "car" }] }],
  ["a string for a number", { instances: [{ age: "35", purpose: "car" }] }],
  ["a NUL", { instances: [{ age: 35, purpose: "\u0000" }] }],
  ["too many rows", { instances: new Array(MAX_ROWS + 1).fill({ age: 1, purpose: "a" }) }],
  ["a model that is not columns", { instances: [{ x: 1 }] }, { inputs: [{ name: "x", type: "float32", shape: ["N", 3] }], outputs: [] }],
  ["a fixed first dimension", { instances: [{ x: 1 }, { x: 2 }] }, { inputs: [{ name: "x", type: "float32", shape: [1, 1] }], outputs: [] }],
];

describe("the compiled input plan", () => {
  it.each(OIP_BODIES)("OIP v2, %s: same tensors or the same error as the reference check", (_, body, sig = creditSignature) => {
    expect(fast("oip", body, sig)).toEqual(reference("oip", body, sig));
  });

  it.each(INSTANCES_BODIES)("instances, %s: same tensors or the same error as the reference check", (_, body, sig = creditSignature) => {
    expect(fast("instances", body, sig)).toEqual(reference("instances", body, sig));
  });

  it("parses straight into the typed array of each declared type", () => {
    const { feeds } = parseOip(compileInputPlan(typed), OIP_BODIES.at(-1)![1]);
    expect(feeds.map((t) => t.data.constructor)).toEqual([Float64Array, BigInt64Array, Uint8Array, Int32Array]);
    expect(Array.from(feeds[1].data as BigInt64Array)).toEqual([9007199254740991n, -2n]);
    expect(Array.from(feeds[2].data as Uint8Array)).toEqual([1, 0]);
  });

  it("is compiled once per version and again when the routing reload brings a new signature object", () => {
    const a = planFor("v-plan-test", creditSignature);
    expect(planFor("v-plan-test", creditSignature)).toBe(a);
    expect(planFor("v-plan-test", { ...creditSignature })).not.toBe(a);
  });
});
