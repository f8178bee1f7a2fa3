// Static checks of an uploaded ONNX file, before any onnxruntime session exists: the protobuf is
// parsed (lib/onnx/proto.ts) and declared sizes are compared with the configured limits, so that a
// few hundred bytes cannot make a validator or a worker allocate gigabytes.
import { ModelProto } from "./proto";

/** Limits on an uploaded model (configured in lib/env/web-env.ts; the names say which variable). */
export type ModelLimits = {
  /** nodes in the graph, subgraphs included (MODEL_MAX_NODES) */
  maxNodes: number;
  /** values in one declared input, output or value_info; dynamic dimensions count as 1 (MODEL_MAX_DECLARED_ELEMENTS) */
  maxDeclaredElements: number;
  /** values in one initializer or Constant tensor (MODEL_MAX_INITIALIZER_ELEMENTS) */
  maxInitializerElements: number;
  /** wall-clock time of the validation process (MODEL_VALIDATION_TIMEOUT_MS) */
  timeoutMs: number;
  /** resident memory of the validation process, in MiB (MODEL_VALIDATION_MAX_MEMORY_MB) */
  maxMemoryMb: number;
  /** validation processes one web process runs at once (MODEL_VALIDATION_CONCURRENCY) */
  concurrency: number;
  /** uploads waiting for a validation slot; more get 503 (MODEL_VALIDATION_QUEUE) */
  queue: number;
};

export const DEFAULT_MODEL_LIMITS: ModelLimits = {
  maxNodes: 50_000,
  maxDeclaredElements: 4_194_304,
  maxInitializerElements: 67_108_864,
  timeoutMs: 10_000,
  maxMemoryMb: 1024,
  concurrency: 2,
  queue: 16,
};

/** A model over one of the limits; the message names the tensor or graph and the limit. */
export class ModelLimitError extends Error {}

const MAX_SUBGRAPH_DEPTH = 32;

type Dim = { dim_value?: number; dim_param?: string };
type ValueInfo = { name?: string; type?: { tensor_type?: { shape?: { dim?: Dim[] } } } };
type Tensor = { name?: string; dims?: number[] };
type Attribute = { name?: string; t?: Tensor; tensors?: Tensor[]; g?: Graph; graphs?: Graph[] };
type Node = { name?: string; op_type?: string; attribute?: Attribute[] };
type Graph = { node?: Node[]; initializer?: Tensor[]; input?: ValueInfo[]; output?: ValueInfo[]; value_info?: ValueInfo[] };

/** Throws ModelLimitError for a model over the limits, or Error when the bytes are not an ONNX model. */
export function checkModelLimits(bytes: Uint8Array, limits: Pick<ModelLimits, "maxNodes" | "maxDeclaredElements" | "maxInitializerElements">): void {
  let model: { graph?: Graph };
  try {
    model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as { graph?: Graph };
  } catch (err) {
    throw new Error(`not an ONNX protobuf (${String((err as Error).message).slice(0, 200)})`);
  }
  if (!model.graph) throw new Error("the file has no graph");

  let nodes = 0;
  const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
  const shown = (dims: (number | string)[]) => `[${dims.join(", ")}]`;

  const declared = (what: string, v: ValueInfo) => {
    const dim = v.type?.tensor_type?.shape?.dim;
    if (!dim) return;
    const dims = dim.map((d) => (d.dim_value !== undefined ? d.dim_value : (d.dim_param ?? "?")));
    const n = size(dims.map((d) => (typeof d === "number" && d > 0 ? d : 1)));
    if (n > limits.maxDeclaredElements) {
      throw new ModelLimitError(`${what} "${v.name ?? ""}" declares ${shown(dims)}: ${n} values, more than the limit of ${limits.maxDeclaredElements} (MODEL_MAX_DECLARED_ELEMENTS)`);
    }
  };
  const tensor = (what: string, t: Tensor) => {
    const n = size(t.dims ?? []);
    if (n > limits.maxInitializerElements) {
      throw new ModelLimitError(`${what} "${t.name ?? ""}" has ${shown(t.dims ?? [])}: ${n} values, more than the limit of ${limits.maxInitializerElements} (MODEL_MAX_INITIALIZER_ELEMENTS)`);
    }
  };

  const walk = (g: Graph, depth: number) => {
    if (depth > MAX_SUBGRAPH_DEPTH) throw new ModelLimitError(`subgraphs are nested more than ${MAX_SUBGRAPH_DEPTH} deep`);
    for (const v of g.input ?? []) declared("input", v);
    for (const v of g.output ?? []) declared("output", v);
    for (const v of g.value_info ?? []) declared("value", v);
    for (const t of g.initializer ?? []) tensor("initializer", t);
    for (const node of g.node ?? []) {
      nodes++;
      if (nodes > limits.maxNodes) throw new ModelLimitError(`the graph has more than ${limits.maxNodes} nodes, subgraphs included (MODEL_MAX_NODES)`);
      for (const a of node.attribute ?? []) {
        if (a.t) tensor(`constant tensor of node`, { name: node.name, dims: a.t.dims });
        for (const t of a.tensors ?? []) tensor(`constant tensor of node`, { name: node.name, dims: t.dims });
        if (a.g) walk(a.g, depth + 1);
        for (const sub of a.graphs ?? []) walk(sub, depth + 1);
      }
    }
  };
  walk(model.graph, 0);
}
