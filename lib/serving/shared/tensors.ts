// Request tensors: parsing OIP v2 and `instances` bodies, validating them against a model's
// signature (so nothing malformed reaches session.run), and merging/splitting batches.
import type { Signature, TensorSpec } from "../../onnx/signature";
import { storableText, unstorableText } from "../../db/storable-text";

export type TensorData = { shape: number[]; data: (number | string)[] };
/** One request's inputs as JSON-like lists, by input name. The first dimension of every input is the batch. */
export type Feeds = Record<string, TensorData>;
export type Outputs = Record<string, TensorData>;

export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array | BigUint64Array | string[];
/**
 * A tensor as typed values (`type` is onnxruntime's name: float32, int64, bool as 0/1 bytes, string…):
 * what the gateway parses a request into, the batch frame carries, the batcher merges and a session
 * process runs. Lists of them are in the signature's input order (requests) or the model's output order.
 */
export type Tensor = { name: string; type: string; dims: number[]; data: TypedData };

export class InputError extends Error {}

export const OIP_TO_ORT: Record<string, string> = { FP32: "float32", FP64: "float64", INT64: "int64", INT32: "int32", BYTES: "string", BOOL: "bool" };
const ORT_TO_OIP = Object.fromEntries(Object.entries(OIP_TO_ORT).map(([k, v]) => [v, k]));
export const oipDatatype = (ortType: string) => ORT_TO_OIP[ortType] ?? ortType.toUpperCase();

export const MAX_ROWS = 4096;
/** Largest dimension a request may declare (the worker hop's frame carries dimensions as u32). */
export const MAX_DIM = 2 ** 31 - 1;

/** Checks one request's inputs against the signature and returns them normalised. */
export function validateFeeds(raw: unknown, sig: Signature): { feeds: Feeds; rows: number } {
  if (typeof raw !== "object" || raw === null) throw new InputError("inputs must be an object of tensors");
  const feeds: Feeds = {};
  let rows = -1;
  const given = raw as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!sig.inputs.some((s) => s.name === name)) throw new InputError(`unknown input "${name}"; the model takes ${sig.inputs.map((s) => s.name).join(", ")}`);
  }
  for (const spec of sig.inputs) {
    const t = given[spec.name] as { shape?: unknown; data?: unknown } | undefined;
    if (!t) throw new InputError(`missing input "${spec.name}"`);
    const tensor = checkTensor(spec, t);
    if (rows === -1) rows = tensor.shape[0];
    else if (tensor.shape[0] !== rows) throw new InputError(`input "${spec.name}" has ${tensor.shape[0]} rows, other inputs have ${rows}`);
    feeds[spec.name] = tensor;
  }
  if (rows < 1) throw new InputError("a request needs at least one row");
  if (rows > MAX_ROWS) throw new InputError(`a request may carry at most ${MAX_ROWS} rows, got ${rows}`);
  return { feeds, rows };
}

function checkTensor(spec: TensorSpec, t: { shape?: unknown; data?: unknown }): TensorData {
  const shape = t.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_DIM)) throw new InputError(`input "${spec.name}": shape must be a list of integers from 0 to ${MAX_DIM}`);
  if (shape.length !== spec.shape.length) throw new InputError(`input "${spec.name}": shape [${shape}] has ${shape.length} dimensions, the model expects [${spec.shape}]`);
  spec.shape.forEach((d, i) => {
    if (typeof d === "number" && d >= 0 && shape[i] !== d) throw new InputError(`input "${spec.name}": dimension ${i} is ${shape[i]}, the model expects ${d}`);
  });
  if (!Array.isArray(t.data)) throw new InputError(`input "${spec.name}": data must be a list`);
  const data = t.data.flat(Infinity) as unknown[];
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new InputError(`input "${spec.name}": shape [${shape}] needs ${size} values, got ${data.length}`);
  if (spec.type === "string") {
    if (!data.every((x) => typeof x === "string")) throw new InputError(`input "${spec.name}": expects strings (BYTES)`);
    for (const [i, x] of (data as string[]).entries()) {
      const bad = unstorableText(x);
      if (bad) throw new InputError(`input "${spec.name}": value ${i} holds ${bad}; strings must be valid Unicode text without NUL`);
    }
  } else if (!data.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new InputError(`input "${spec.name}": expects finite numbers (${oipDatatype(spec.type)})`);
  }
  return { shape: shape as number[], data: data as (number | string)[] };
}


/** OIP v2 request body → raw inputs by name (checked for datatype here, the rest by validateFeeds). */
export function fromOip(body: unknown, sig: Signature): Record<string, unknown> {
  const inputs = (body as { inputs?: unknown })?.inputs;
  if (!Array.isArray(inputs)) throw new InputError('body must be {"inputs": [{"name", "shape", "datatype", "data"}, …]}');
  const out: Record<string, unknown> = {};
  for (const i of inputs as { name?: unknown; shape?: unknown; datatype?: unknown; data?: unknown }[]) {
    if (typeof i?.name !== "string") throw new InputError("every input needs a name");
    const spec = sig.inputs.find((s) => s.name === i.name);
    if (spec && typeof i.datatype === "string" && OIP_TO_ORT[i.datatype] !== spec.type) {
      throw new InputError(`input "${i.name}": datatype ${i.datatype}, the model expects ${oipDatatype(spec.type)}`);
    }
    if (spec && typeof i.datatype !== "string") throw new InputError(`input "${i.name}": datatype is required`);
    out[i.name] = { shape: i.shape, data: i.data };
  }
  return out;
}

/** `{"instances": [{feature: value}]}` → one [N,1] tensor per model input (tabular models). */
export function fromInstances(body: unknown, sig: Signature): Record<string, unknown> {
  const instances = (body as { instances?: unknown })?.instances;
  if (!Array.isArray(instances) || instances.length === 0) throw new InputError('body must be {"instances": [{feature: value, …}, …]}');
  const out: Record<string, unknown> = {};
  for (const spec of sig.inputs) {
    if (spec.shape.length !== 2 || (typeof spec.shape[1] === "number" && spec.shape[1] !== 1)) {
      throw new InputError(`input "${spec.name}" is not a [N,1] column; use the OIP v2 form`);
    }
    out[spec.name] = {
      shape: [instances.length, 1],
      data: instances.map((inst, i) => {
        if (typeof inst !== "object" || inst === null) throw new InputError(`instances[${i}] must be an object`);
        const v = (inst as Record<string, unknown>)[spec.name];
        if (v === undefined) throw new InputError(`instances[${i}] is missing "${spec.name}"`);
        return v;
      }),
    };
  }
  for (const [i, inst] of instances.entries()) {
    for (const k of Object.keys(inst as object)) if (!sig.inputs.some((s) => s.name === k)) throw new InputError(`instances[${i}] has unknown feature "${k}"`);
  }
  return out;
}

/** Concatenates several requests along the batch dimension. */
export function mergeFeeds(parts: Feeds[]): Feeds {
  if (parts.length === 1) return parts[0];
  const out: Feeds = {};
  for (const name of Object.keys(parts[0])) {
    const first = parts[0][name];
    out[name] = { shape: [parts.reduce((n, p) => n + p[name].shape[0], 0), ...first.shape.slice(1)], data: parts.flatMap((p) => p[name].data) };
  }
  return out;
}

/** Splits batched outputs back into per-request outputs by row counts. */
export function splitOutputs(outputs: Outputs, rowCounts: number[]): Outputs[] {
  const results: Outputs[] = rowCounts.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    const perRow = t.shape.slice(1).reduce((a, b) => a * b, 1);
    let offset = 0;
    rowCounts.forEach((n, i) => {
      results[i][name] = { shape: [n, ...t.shape.slice(1)], data: t.data.slice(offset * perRow, (offset + n) * perRow) };
      offset += n;
    });
  }
  return results;
}

/** Validated request lists → typed arrays of the model's input types, in the signature's order. */
export function toTensors(feeds: Feeds, sig: Signature): Tensor[] {
  const out: Tensor[] = [];
  for (const spec of sig.inputs) {
    const t = feeds[spec.name];
    const d = t.data as number[];
    let data: TypedData;
    switch (spec.type) {
      case "float32": data = Float32Array.from(d); break;
      case "float64": data = Float64Array.from(d); break;
      case "int32": data = Int32Array.from(d); break;
      case "int64": data = BigInt64Array.from(d, (x) => BigInt(Math.trunc(x))); break;
      case "bool": data = Uint8Array.from(d, (x) => (x ? 1 : 0)); break;
      case "string": data = t.data as string[]; break;
      default: throw new Error(`unsupported input type ${spec.type}`);
    }
    out.push({ name: spec.name, type: spec.type, dims: t.shape, data });
  }
  return out;
}

/** Typed values as a JSON list: 64-bit integers become numbers, bool 0/1. */
export function toList(data: TypedData): (number | string)[] {
  if (Array.isArray(data)) return data;
  const out = new Array<number>(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  else for (let i = 0; i < data.length; i++) out[i] = data[i];
  return out;
}

/** Typed tensors as lists by name (the worker's direct OIP answer, the row probe). */
export function tensorsToLists(tensors: readonly Tensor[]): Outputs {
  const out: Outputs = {};
  for (const t of tensors) out[t.name] = { shape: t.dims, data: toList(t.data) };
  return out;
}

/**
 * Column-wise view of tensors, as the prediction log stores inputs and outputs: {name: [values]}.
 * `escape`: names and strings the log could not store are JSON-escaped (storableText); inputs need
 * not be (validated storable), outputs do (a model returns whatever it makes, NUL included).
 */
export function feedsToColumns(tensors: readonly Tensor[], escape = false): Record<string, (number | string)[]> {
  const out: Record<string, (number | string)[]> = {};
  for (const t of tensors) {
    let data = toList(t.data);
    if (escape && Array.isArray(t.data)) data = (data as string[]).map(storableText);
    out[escape ? storableText(t.name) : t.name] = data;
  }
  return out;
}

/** Concatenates several requests' tensors along the batch dimension (one new array per input). */
export function mergeTensors(parts: readonly Tensor[][]): Tensor[] {
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  const out: Tensor[] = [];
  for (let j = 0; j < first.length; j++) {
    const t = first[j];
    let rows = 0;
    let len = 0;
    for (const p of parts) {
      rows += p[j].dims[0];
      len += p[j].data.length;
    }
    let data: TypedData;
    if (Array.isArray(t.data)) {
      const strings = new Array<string>(len);
      let at = 0;
      for (const p of parts) for (const s of p[j].data as string[]) strings[at++] = s;
      data = strings;
    } else {
      const typed = new (t.data.constructor as new (n: number) => Exclude<TypedData, string[]>)(len);
      let at = 0;
      for (const p of parts) {
        const d = p[j].data as Exclude<TypedData, string[]>;
        (typed as Float64Array).set(d as Float64Array, at);
        at += d.length;
      }
      data = typed;
    }
    out.push({ name: t.name, type: t.type, dims: [rows, ...t.dims.slice(1)], data });
  }
  return out;
}

/** Splits batched outputs back into per-request outputs by row counts (views into the batch's arrays). */
export function splitTensors(outputs: readonly Tensor[], rowCounts: readonly number[]): Tensor[][] {
  const results: Tensor[][] = rowCounts.map(() => []);
  for (const t of outputs) {
    const rest = t.dims.slice(1);
    let perRow = 1;
    for (const d of rest) perRow *= d;
    let offset = 0;
    for (let i = 0; i < rowCounts.length; i++) {
      const n = rowCounts[i];
      const from = offset * perRow;
      const to = (offset + n) * perRow;
      results[i].push({ name: t.name, type: t.type, dims: [n, ...rest], data: Array.isArray(t.data) ? t.data.slice(from, to) : t.data.subarray(from, to) });
      offset += n;
    }
  }
  return results;
}

/**
 * The most values one input of a warm-up or probe row may hold. Warm-up inputs are built from the
 * declared shape, so a tiny file declaring `[1, 34000000]` would otherwise make the worker (and the
 * deployment's verify step) allocate gigabytes; such a model fails its load instead. Uploads refuse
 * declared tensors past MODEL_MAX_DECLARED_ELEMENTS (default the same number) before this is reached.
 */
export const MAX_WARMUP_VALUES = 4_194_304;

/** A model whose declared inputs are too large to warm up; the load fails with this message. */
export class WarmupTooLarge extends Error {}

/** The shape of one row of each input: fixed dimensions kept, dynamic ones (and the batch) set to 1; bounded. */
function rowShapes(sig: Signature): { spec: TensorSpec; shape: number[]; size: number }[] {
  return sig.inputs.map((s) => {
    const shape = s.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
    const size = shape.reduce((a, b) => a * b, 1);
    if (size > MAX_WARMUP_VALUES) {
      throw new WarmupTooLarge(`input "${s.name}" declares [${s.shape.join(", ")}]: ${size} values for one row, more than a worker builds for a warm-up (${MAX_WARMUP_VALUES})`);
    }
    return { spec: s, shape, size };
  });
}

/** A one-row request of neutral values, to warm a session up before it is reported ready. */
export function warmupFeeds(sig: Signature): Feeds {
  const feeds: Feeds = {};
  for (const { spec, shape, size } of rowShapes(sig)) feeds[spec.name] = { shape, data: new Array(size).fill(spec.type === "string" ? "" : 0) };
  return feeds;
}

/**
 * `count` one-row requests whose rows differ from each other (small fractions, small integers,
 * short strings), for the row-independence probe at load. At most MAX_WARMUP_VALUES values per
 * input across all rows: fewer rows come back when the inputs are large.
 */
export function probeRows(sig: Signature, count: number): Feeds[] {
  const shapes = rowShapes(sig);
  const n = Math.min(count, ...shapes.map((s) => Math.floor(MAX_WARMUP_VALUES / s.size)));
  return Array.from({ length: n }, (_, r) => {
    const feeds: Feeds = {};
    for (const { spec, shape, size } of shapes) {
      const value = (j: number): number | string => {
        if (spec.type === "string") return `probe-${r}`;
        if (spec.type === "bool") return (r + j) % 2;
        if (spec.type.startsWith("int") || spec.type.startsWith("uint")) return (r + j) % 4;
        return Number((((r + 1) * 0.173 + j * 0.071) % 1).toFixed(4)) || 0.5;
      };
      feeds[spec.name] = { shape, data: Array.from({ length: size }, (_, j) => value(j)) };
    }
    return feeds;
  });
}
