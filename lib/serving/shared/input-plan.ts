// Request bodies → typed tensors in one pass, against a plan compiled once per model version (input
// names → index, expected dimensions, element type). The fast path accepts only what validateFeeds
// (tensors.ts) accepts; anything it does not recognise at once (a missing or unknown input, a wrong
// type, a bad shape, too many rows…) goes through fromOip/fromInstances + validateFeeds, so every
// error message stays the reference one, and the rare odd-but-valid body (duplicate names) still works.
import type { Signature, TensorSpec } from "../../onnx/signature";
import { unstorableText } from "../../db/storable-text";
import { fromInstances, fromOip, MAX_DIM, MAX_ROWS, OIP_TO_ORT, toTensors, validateFeeds, type Tensor, type TypedData } from "./tensors";

/** How one input's values are written: plain numeric typed array, bool (0/1), int64 (BigInt), or strings. */
const Kind = { Number: 0, Bool: 1, Int64: 2, String: 3, Unsupported: 4 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

type InputStep = {
  spec: TensorSpec;
  kind: Kind;
  /** the OIP datatype the input must declare (FP32…) */
  datatype: string | undefined;
  /** expected size of each dimension, -1 where any size goes */
  fixed: number[];
  make: ((n: number) => Exclude<TypedData, string[]>) | null;
};

export type InputPlan = {
  signature: Signature;
  steps: InputStep[];
  byName: Map<string, number>;
  /** every input is an [N,1] column: the `instances` form applies */
  columns: boolean;
};

export type ParsedInputs = { feeds: Tensor[]; rows: number };

const MAKERS: Record<string, [Kind, ((n: number) => Exclude<TypedData, string[]>) | null]> = {
  float32: [Kind.Number, (n) => new Float32Array(n)],
  float64: [Kind.Number, (n) => new Float64Array(n)],
  int32: [Kind.Number, (n) => new Int32Array(n)],
  int64: [Kind.Int64, (n) => new BigInt64Array(n)],
  bool: [Kind.Bool, (n) => new Uint8Array(n)],
  string: [Kind.String, null],
};
const ORT_TO_OIP = new Map(Object.entries(OIP_TO_ORT).map(([k, v]) => [v, k]));

export function compileInputPlan(signature: Signature): InputPlan {
  const steps = signature.inputs.map((spec): InputStep => {
    const [kind, make] = MAKERS[spec.type] ?? [Kind.Unsupported, null];
    return { spec, kind, make, datatype: ORT_TO_OIP.get(spec.type), fixed: spec.shape.map((d) => (typeof d === "number" && d >= 0 ? d : -1)) };
  });
  return {
    signature,
    steps,
    byName: new Map(steps.map((s, i) => [s.spec.name, i])),
    columns: steps.every((s) => s.fixed.length === 2 && (s.fixed[1] === -1 || s.fixed[1] === 1)),
  };
}

const plans = new Map<string, InputPlan>();

/** The version's plan, compiled on first use and again only when its signature object changes (a routing reload). */
export function planFor(versionId: string, signature: Signature): InputPlan {
  let p = plans.get(versionId);
  if (!p || p.signature !== signature) {
    p = compileInputPlan(signature);
    plans.set(versionId, p);
  }
  return p;
}

// ------------------------------------------------------------------ value writers (no closures per value)

/** Writes finite numbers (nested lists flattened) into dst from pos; the next position, or -1 when a value does not fit. */
function fillNumbers(src: unknown[], dst: Exclude<TypedData, string[]>, pos: number, kind: Kind, depth: number): number {
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (typeof x === "number") {
      if (x - x !== 0 || pos >= dst.length) return -1;
      if (kind === Kind.Number) (dst as Float64Array)[pos++] = x;
      else if (kind === Kind.Bool) (dst as Uint8Array)[pos++] = x ? 1 : 0;
      else (dst as BigInt64Array)[pos++] = BigInt(Math.trunc(x));
    } else if (Array.isArray(x) && depth < 64) {
      pos = fillNumbers(x, dst, pos, kind, depth + 1);
      if (pos < 0) return -1;
    } else return -1;
  }
  return pos;
}

function fillStrings(src: unknown[], dst: string[], pos: number, depth: number): number {
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (typeof x === "string") {
      if (pos >= dst.length || unstorableText(x) !== null) return -1;
      dst[pos++] = x;
    } else if (Array.isArray(x) && depth < 64) {
      pos = fillStrings(x, dst, pos, depth + 1);
      if (pos < 0) return -1;
    } else return -1;
  }
  return pos;
}

/** Values in a nested list (for the size check before anything is allocated); -1 past `max`. */
function countLeaves(src: unknown[], max: number, depth: number): number {
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (Array.isArray(x)) {
      if (depth >= 64) return -1;
      const m = countLeaves(x, max - n, depth + 1);
      if (m < 0) return -1;
      n += m;
    } else n++;
    if (n > max) return -1;
  }
  return n;
}

/** One input's values as its typed array, or null when they are not exactly `size` acceptable values. */
function convert(step: InputStep, data: unknown[], size: number): TypedData | null {
  if (data.length !== size && countLeaves(data, size, 0) !== size) return null;
  if (step.kind === Kind.String) {
    const out = new Array<string>(size);
    return fillStrings(data, out, 0, 0) === size ? out : null;
  }
  const out = step.make!(size);
  return fillNumbers(data, out, 0, step.kind, 0) === size ? out : null;
}

// ------------------------------------------------------------------ the two request forms

/** The reference path: throws the documented InputError, or (for odd but valid bodies) returns the same tensors. */
function slowOip(plan: InputPlan, body: unknown): ParsedInputs {
  const { feeds, rows } = validateFeeds(fromOip(body, plan.signature), plan.signature);
  return { feeds: toTensors(feeds, plan.signature), rows };
}
function slowInstances(plan: InputPlan, body: unknown): ParsedInputs {
  const { feeds, rows } = validateFeeds(fromInstances(body, plan.signature), plan.signature);
  return { feeds: toTensors(feeds, plan.signature), rows };
}

/** `{"inputs": [{"name", "shape", "datatype", "data"}, …]}` → typed tensors in signature order; InputError when invalid. */
export function parseOip(plan: InputPlan, body: unknown): ParsedInputs {
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  const steps = plan.steps;
  if (!Array.isArray(inputs) || inputs.length !== steps.length) return slowOip(plan, body);
  const feeds = new Array<Tensor>(steps.length);
  let rows = -1;
  for (let k = 0; k < inputs.length; k++) {
    const i = inputs[k] as { name?: unknown; shape?: unknown; datatype?: unknown; data?: unknown } | null;
    if (typeof i !== "object" || i === null || typeof i.name !== "string") return slowOip(plan, body);
    const at = plan.byName.get(i.name);
    if (at === undefined || feeds[at] !== undefined) return slowOip(plan, body);
    const step = steps[at];
    const shape = i.shape;
    if (i.datatype !== step.datatype || step.kind === Kind.Unsupported || !Array.isArray(shape) || shape.length !== step.fixed.length || !Array.isArray(i.data)) return slowOip(plan, body);
    let size = 1;
    for (let d = 0; d < shape.length; d++) {
      const n = shape[d];
      if (!Number.isInteger(n) || n < 0 || n > MAX_DIM || (step.fixed[d] !== -1 && n !== step.fixed[d])) return slowOip(plan, body);
      size *= n;
    }
    const first = shape.length ? (shape[0] as number) : 1;
    if (rows === -1) rows = first;
    else if (first !== rows) return slowOip(plan, body);
    const data = convert(step, i.data, size);
    if (!data) return slowOip(plan, body);
    feeds[at] = { name: step.spec.name, type: step.spec.type, dims: shape as number[], data };
  }
  if (rows < 1 || rows > MAX_ROWS) return slowOip(plan, body);
  return { feeds, rows };
}

/** `{"instances": [{feature: value, …}, …]}` → one [N,1] typed column per input; InputError when invalid. */
export function parseInstances(plan: InputPlan, body: unknown): ParsedInputs {
  const instances = (body as { instances?: unknown } | null)?.instances;
  const steps = plan.steps;
  if (!plan.columns || !Array.isArray(instances) || instances.length < 1 || instances.length > MAX_ROWS) return slowInstances(plan, body);
  const n = instances.length;
  for (let r = 0; r < n; r++) {
    const inst = instances[r];
    if (typeof inst !== "object" || inst === null) return slowInstances(plan, body);
    // every feature is looked up below; with as many keys as inputs, none is unknown
    let keys = 0;
    for (const _ in inst) keys++;
    if (keys !== steps.length) return slowInstances(plan, body);
  }
  const feeds = new Array<Tensor>(steps.length);
  for (let j = 0; j < steps.length; j++) {
    const step = steps[j];
    if (step.fixed[0] !== -1 && step.fixed[0] !== n) return slowInstances(plan, body);
    const name = step.spec.name;
    let data: TypedData;
    if (step.kind === Kind.String) {
      const out = new Array<string>(n);
      for (let r = 0; r < n; r++) {
        const v = (instances[r] as Record<string, unknown>)[name];
        if (typeof v !== "string" || unstorableText(v) !== null) return slowInstances(plan, body);
        out[r] = v;
      }
      data = out;
    } else if (step.kind === Kind.Unsupported) {
      return slowInstances(plan, body);
    } else {
      const out = step.make!(n);
      for (let r = 0; r < n; r++) {
        const v = (instances[r] as Record<string, unknown>)[name];
        if (typeof v !== "number" || v - v !== 0) return slowInstances(plan, body);
        if (step.kind === Kind.Number) (out as Float64Array)[r] = v;
        else if (step.kind === Kind.Bool) (out as Uint8Array)[r] = v ? 1 : 0;
        else (out as BigInt64Array)[r] = BigInt(Math.trunc(v));
      }
      data = out;
    }
    feeds[j] = { name, type: step.spec.type, dims: [n, 1], data };
  }
  return { feeds, rows: n };
}
