// A small builder for ONNX graphs: nodes, float/int64 initializers, typed inputs/outputs and
// subgraphs (the `body` of a Loop, via attr.graph).
import { AttrType, DataType, ModelProto } from "./proto";

type Dim = number | string;
type Attr = { name: string; type: number; [k: string]: unknown };

export const ML_DOMAIN = "ai.onnx.ml";

export class GraphBuilder {
  private nodes: object[] = [];
  private initializers: object[] = [];
  private inputs: object[] = [];
  private outputs: object[] = [];
  private valueInfos: object[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, elemType: number, shape: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: number, shape: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, shape));
  }

  /** Declares an intermediate value's type, for ops whose type inference checkers lack (ai.onnx.ml). */
  declare(name: string, elemType: number, shape: Dim[]): void {
    this.valueInfos.push(valueInfo(name, elemType, shape));
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values as ArrayLike<number>);
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`initializer ${name}: ${data.length} values for dims ${dims}`);
    this.initializers.push({ name, dims, data_type: DataType.FLOAT, raw_data: Buffer.from(data.buffer) });
    return name;
  }

  int64s(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({ name, dims: [values.length], data_type: DataType.INT64, raw_data: Buffer.from(data.buffer) });
    return name;
  }

  node(opType: string, inputs: string[], attrs: Attr[] = [], domain?: string, outputName?: string): string {
    const out = outputName ?? this.fresh(opType.toLowerCase());
    this.nodes.push({ op_type: opType, input: inputs, output: [out], name: this.fresh(`n_${opType}`), attribute: attrs, ...(domain ? { domain } : {}) });
    return out;
  }

  /** The GraphProto object, for a subgraph attribute (attr.graph) or toBytes. */
  toGraph(): object {
    return { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs, value_info: this.valueInfos };
  }

  toBytes(meta: { docString?: string; props?: Record<string, string> } = {}): Uint8Array {
    const model = {
      ir_version: 8,
      producer_name: "switchyard",
      producer_version: "1",
      opset_import: [{ domain: "", version: 17 }, { domain: ML_DOMAIN, version: 3 }],
      doc_string: meta.docString ?? "",
      metadata_props: Object.entries(meta.props ?? {}).map(([key, value]) => ({ key, value })),
      graph: this.toGraph(),
    };
    const err = ModelProto.verify(model);
    if (err) throw new Error(`invalid ONNX model: ${err}`);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}

function valueInfo(name: string, elemType: number, shape: Dim[]) {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: shape.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) } } },
  };
}

export const attr = {
  int: (name: string, i: number): Attr => ({ name, type: AttrType.INT, i }),
  float: (name: string, f: number): Attr => ({ name, type: AttrType.FLOAT, f }),
  ints: (name: string, values: number[]): Attr => ({ name, type: AttrType.INTS, ints: values }),
  graph: (name: string, g: GraphBuilder): Attr => ({ name, type: AttrType.GRAPH, g: g.toGraph() }),
  strings: (name: string, values: string[]): Attr => ({ name, type: AttrType.STRINGS, strings: values.map((v) => Buffer.from(v)) }),
};
