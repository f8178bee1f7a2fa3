// Copy-paste requests for an endpoint, built from the serving version's signature: curl and Python
// `requests`, for the `instances` protocol (tabular models) and Open Inference Protocol v2. Example
// values come from the version's reference profile when it has one (a numeric feature's mean, a
// categorical feature's most frequent value), else zeros and empty strings.
import type { Signature, TensorSpec } from "../onnx/signature";
import { oipDatatype } from "../serving/shared/tensors";

export type Snippet = { protocol: "instances" | "v2"; language: "curl" | "python"; url: string; code: string };
export type SnippetSet = { snippets: Snippet[]; notes: string[] };

/** Values one example row may hold per input before the curl body is left to a file (the Python one builds it). */
const INLINE_VALUES = 64;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The profile's features, from `{rows, features}` (built at upload) or a bare feature map (given with the upload). */
function featuresOf(profile: unknown): Record<string, unknown> {
  if (!isObject(profile)) return {};
  return isObject(profile.features) ? profile.features : profile;
}

const isInteger = (type: string) => /^u?int/.test(type) || type === "bool";

function exampleValue(spec: TensorSpec, feature: unknown): number | string {
  if (spec.type === "string") {
    if (isObject(feature) && isObject(feature.frequencies)) {
      const top = Object.entries(feature.frequencies).filter((e): e is [string, number] => typeof e[1] === "number").sort((a, b) => b[1] - a[1])[0];
      if (top) return top[0];
    }
    return "";
  }
  if (isObject(feature) && typeof feature.mean === "number" && Number.isFinite(feature.mean)) {
    return isInteger(spec.type) ? Math.round(feature.mean) : Number(feature.mean.toPrecision(4));
  }
  return 0;
}

/** One row's shape of an input: dynamic dimensions (and the batch) are 1. */
const rowShape = (spec: TensorSpec) => spec.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Whether the `instances` form can carry this input: a [N,1] column, as the gateway takes it. */
const isColumn = (spec: TensorSpec) => spec.shape.length === 2 && (typeof spec.shape[1] !== "number" || spec.shape[1] === 1);

/** A string inside single quotes for a POSIX shell. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function buildSnippets(opts: {
  gatewayUrl: string; endpoint: string; signature: Signature; profile?: unknown;
  requireKey: boolean; sticky?: { header?: string } | null;
}): SnippetSet {
  const base = opts.gatewayUrl.replace(/\/+$/, "");
  const features = featuresOf(opts.profile);
  const notes: string[] = [];
  const headers: [string, string, string][] = []; // name, curl value, python expression
  if (opts.requireKey) headers.push(["Authorization", "Bearer $SWITCHYARD_ENDPOINT_KEY", `"Bearer " + os.environ["SWITCHYARD_ENDPOINT_KEY"]`]);
  if (opts.sticky?.header) headers.push([opts.sticky.header, "user-1", JSON.stringify("user-1")]);
  if (opts.requireKey) notes.push("This endpoint needs an endpoint key: create one under Endpoint keys and set SWITCHYARD_ENDPOINT_KEY to it.");
  if (opts.sticky?.header) notes.push(`Requests with the same ${opts.sticky.header} header go to the same variant.`);

  const curlHeaders = headers.map(([name, value]) => (value.includes("$") ? ` \\\n  -H "${name}: ${value}"` : ` \\\n  -H ${shellQuote(`${name}: ${value}`)}`)).join("");
  const pyHeaders = headers.length ? `{${headers.map(([name, , expr]) => `${JSON.stringify(name)}: ${expr}`).join(", ")}}` : "{}";
  const curl = (url: string, body: unknown, inline: boolean) =>
    `curl -s ${url}${curlHeaders} \\\n  -H 'content-type: application/json' \\\n  -d ${inline ? shellQuote(JSON.stringify(body)) : "@request.json"}`;
  const python = (url: string, body: string) =>
    [`import ${opts.requireKey ? "os\nimport " : ""}requests`, "", `url = ${JSON.stringify(url)}`, `headers = ${pyHeaders}`, `body = ${body}`, "", "r = requests.post(url, json=body, headers=headers, timeout=30)", "r.raise_for_status()", "print(r.json())"].join("\n");

  const snippets: Snippet[] = [];
  const inputs = opts.signature.inputs;
  if (inputs.length && inputs.every(isColumn)) {
    const url = `${base}/v1/endpoints/${opts.endpoint}/predict`;
    const body = { instances: [Object.fromEntries(inputs.map((s) => [s.name, exampleValue(s, features[s.name])]))] };
    snippets.push({ protocol: "instances", language: "curl", url, code: curl(url, body, true) });
    snippets.push({ protocol: "instances", language: "python", url, code: python(url, JSON.stringify(body, null, 4)) });
  } else {
    notes.push(`The {"instances": […]} form takes models whose inputs are [N, 1] columns; this one's are not: use Open Inference Protocol v2.`);
  }

  const url = `${base}/v2/models/${opts.endpoint}/infer`;
  const tensors = inputs.map((s) => {
    const shape = rowShape(s);
    return { spec: s, shape, size: sizeOf(shape), value: exampleValue(s, features[s.name]) };
  });
  const inline = tensors.every((t) => t.size <= INLINE_VALUES);
  const v2 = { inputs: tensors.map((t) => ({ name: t.spec.name, shape: t.shape, datatype: oipDatatype(t.spec.type), data: new Array(t.size).fill(t.value) })) };
  // a large tensor is written as a Python expression ([0] * n), and curl reads the body from a file
  const pyBody = inline
    ? JSON.stringify(v2, null, 4)
    : `{"inputs": [\n${tensors.map((t) => `    {"name": ${JSON.stringify(t.spec.name)}, "shape": ${JSON.stringify(t.shape)}, "datatype": ${JSON.stringify(oipDatatype(t.spec.type))}, "data": [${JSON.stringify(t.value)}] * ${t.size}}`).join(",\n")}\n]}`;
  if (!inline) notes.push("The v2 request is large: the curl example reads it from request.json (the Python example builds the same body).");
  snippets.push({ protocol: "v2", language: "curl", url, code: curl(url, v2, inline) });
  snippets.push({ protocol: "v2", language: "python", url, code: python(url, pyBody) });
  return { snippets, notes };
}
