// The gateway's 200 answers, written from strings made once per variant (endpoint, variant, version)
// instead of JSON.stringify over fresh objects per request: only the id, the shapes and the numbers
// are written per request. The shapes are exactly what JSON.stringify made before (OIP v2 and the
// predict form); a non-finite number (NaN from a model) is written as null, like JSON.stringify does.
import type { ServerResponse } from "node:http";
import type { Signature } from "../../../onnx/signature";
import type { Variant } from "../../shared/routing";
import { oipDatatype, toList, type Tensor, type TypedData } from "../../shared/tensors";

export type AnswerTemplate = {
  /** reused for every answer of this variant: content-length and x-request-id are set just before writeHead */
  headers: { "content-type": string; "content-length": number; "x-request-id": string; "x-switchyard-version": string; "x-switchyard-variant": string };
  oipHead: string;
  predictTail: string;
  /** per output name: the JSON before its shape and between its shape and its data */
  outputs: Map<string, [string, string]>;
  signature: Signature | undefined;
};

export function answerTemplate(endpoint: string, v: Variant, signature: Signature | undefined): AnswerTemplate {
  return {
    headers: { "content-type": "application/json", "content-length": 0, "x-request-id": "", "x-switchyard-version": String(v.version), "x-switchyard-variant": v.name },
    oipHead: `{"model_name":${JSON.stringify(endpoint)},"model_version":${JSON.stringify(String(v.version))},"id":`,
    predictTail: `,"model_version":${JSON.stringify(v.version)},"variant":${JSON.stringify(v.name)},"id":`,
    outputs: new Map(),
    signature,
  };
}

/** A typed array or string list as a JSON list. */
export function jsonList(data: TypedData): string {
  if (Array.isArray(data)) return JSON.stringify(data);
  const s = `[${data.join(",")}]`;
  // NaN and Infinity are the only numbers whose text holds N or I; JSON has null for them
  return s.indexOf("N") === -1 && s.indexOf("I") === -1 ? s : JSON.stringify(toList(data));
}

function outputParts(t: AnswerTemplate, name: string): [string, string] {
  let parts = t.outputs.get(name);
  if (!parts) {
    const type = t.signature?.outputs.find((o) => o.name === name)?.type ?? "float32";
    parts = [`{"name":${JSON.stringify(name)},"shape":[`, `],"datatype":${JSON.stringify(oipDatatype(type))},"data":`];
    t.outputs.set(name, parts);
  }
  return parts;
}

/** `{"model_name","model_version","id","outputs":[{"name","shape","datatype","data"}…]}` */
export function oipAnswer(t: AnswerTemplate, id: unknown, outputs: readonly Tensor[]): string {
  let s = t.oipHead + JSON.stringify(id) + ',"outputs":[';
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    const [head, mid] = outputParts(t, o.name);
    s += (i ? "," : "") + head + o.dims.join(",") + mid + jsonList(o.data) + "}";
  }
  return s + "]}";
}

/** `{"predictions":[…],"model_version","variant","id"}`: the first output, one value (or list) per row. */
export function predictAnswer(t: AnswerTemplate, requestId: string, outputs: readonly Tensor[], rows: number): string {
  const first = outputs[0];
  let perRow = 1;
  for (let d = 1; d < first.dims.length; d++) perRow *= first.dims[d];
  const data = first.data;
  let predictions: string;
  if (perRow === 1) predictions = jsonList(data.length === rows ? data : data.slice(0, rows));
  else {
    predictions = "[";
    for (let r = 0; r < rows; r++) predictions += (r ? "," : "") + jsonList(data.slice(r * perRow, (r + 1) * perRow));
    predictions += "]";
  }
  return `{"predictions":${predictions}${t.predictTail}${JSON.stringify(requestId)}}`;
}

export function sendAnswer(res: ServerResponse, t: AnswerTemplate, requestId: string, text: string): void {
  t.headers["content-length"] = Buffer.byteLength(text);
  t.headers["x-request-id"] = requestId;
  res.writeHead(200, t.headers);
  res.end(text);
}
