// The gateway's own per-request work, old path against new, in one process (CPU time per request from
// process.cpuUsage, so a busy machine slows both alike): parse + validate the body, encode the call to
// the worker, read the worker's answer, write the client's answer, make the prediction log's columns.
// Old: fromOip/fromInstances + validateFeeds, JSON both ways on the hop, JSON.stringify of the answer.
// New: input-plan.ts straight to typed arrays, batch-frame.ts both ways, answer-template.ts.
// `npx tsx scripts/bench/gateway-codec.ts` (BENCH_ITERATIONS, default 20000)
import type { Signature } from "../../lib/onnx/signature";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { feedsToColumns, fromInstances, fromOip, oipDatatype, validateFeeds, type Outputs } from "../../lib/serving/shared/tensors";
import { compileInputPlan, parseInstances, parseOip } from "../../lib/serving/shared/input-plan";
import { decodeAnswers, decodeRequests, encodeAnswers, encodeRequests } from "../../lib/serving/shared/batch-frame";
import { answerTemplate, oipAnswer, predictAnswer } from "../../lib/serving/data/gateway/answer-template";
import type { Variant } from "../../lib/serving/shared/routing";

const N = Number(process.env.BENCH_ITERATIONS ?? 20000);
const features = Object.entries(loadGermanCredit().rows[0]);
const sig: Signature = {
  inputs: features.map(([name, x]) => ({ name, type: typeof x === "number" ? "float32" : "string", shape: ["N", 1] })),
  outputs: [{ name: "label", type: "int64", shape: ["N"] }, { name: "probabilities", type: "float32", shape: ["N", 2] }],
};
const instance = Object.fromEntries(features);
const bodies = {
  oip: JSON.stringify({ inputs: features.map(([name, x]) => ({ name, shape: [1, 1], datatype: typeof x === "number" ? "FP32" : "BYTES", data: [x] })) }),
  instances: JSON.stringify({ instances: [instance] }),
};
const variant = { name: "credit-v1", version: 1, versionId: "v1" } as Variant;
const oldWorkerAnswer = JSON.stringify({ results: [{ outputs: { label: { shape: [1], data: [1] }, probabilities: { shape: [1, 2], data: [0.3141592741012573, 0.6858407258987427] } } }] });
const newWorkerAnswer = encodeAnswers([{ outputs: [{ name: "label", type: "int64", dims: [1], data: BigInt64Array.of(1n) }, { name: "probabilities", type: "float32", dims: [1, 2], data: Float32Array.of(0.3141592741012573, 0.6858407258987427) }] }]);
let sink = 0;

function oldPath(form: "oip" | "instances", text: string) {
  const body = JSON.parse(text);
  const { feeds, rows } = validateFeeds(form === "oip" ? fromOip(body, sig) : fromInstances(body, sig), sig);
  sink += Buffer.from(JSON.stringify({ requests: [{ inputs: feeds }] })).length;
  const outputs = (JSON.parse(oldWorkerAnswer) as { results: { outputs: Outputs }[] }).results[0].outputs;
  const answer = form === "oip"
    ? JSON.stringify({ model_name: "credit", model_version: "1", id: body.id ?? "req", outputs: Object.entries(outputs).map(([name, t]) => ({ name, shape: t.shape, datatype: oipDatatype(sig.outputs.find((o) => o.name === name)?.type ?? "float32"), data: t.data })) })
    : (() => {
      const first = Object.values(outputs)[0];
      const perRow = first.shape.slice(1).reduce((a, b) => a * b, 1);
      return JSON.stringify({ predictions: Array.from({ length: rows }, (_, i) => (perRow === 1 ? first.data[i] : first.data.slice(i * perRow, (i + 1) * perRow))), model_version: 1, variant: "credit-v1", id: "req" });
    })();
  sink += Buffer.byteLength(answer) + Object.keys(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.data]))).length;
}

const plan = compileInputPlan(sig);
const template = answerTemplate("credit", variant, sig);
function newPath(form: "oip" | "instances", text: string) {
  const body = JSON.parse(text);
  const { feeds, rows } = form === "oip" ? parseOip(plan, body) : parseInstances(plan, body);
  sink += encodeRequests([feeds]).length;
  const r = decodeAnswers(newWorkerAnswer)[0];
  if (!("outputs" in r)) throw new Error("no outputs");
  const answer = form === "oip" ? oipAnswer(template, body.id ?? "req", r.outputs) : predictAnswer(template, "req", r.outputs, rows);
  sink += Buffer.byteLength(answer) + Object.keys(feedsToColumns(feeds)).length + Object.keys(feedsToColumns(r.outputs, true)).length;
}

// the worker's side too: what it decodes and answers per request
function oldWorker() {
  const body = JSON.parse(JSON.stringify({ requests: [{ inputs: validateFeeds(fromOip(JSON.parse(bodies.oip), sig), sig).feeds }] }));
  sink += validateFeeds(body.requests[0].inputs, sig).rows + oldWorkerAnswer.length;
}
const frame = encodeRequests([parseOip(plan, JSON.parse(bodies.oip)).feeds]);
function newWorker() {
  sink += decodeRequests(frame)[0].rows + newWorkerAnswer.length;
}

function measure(label: string, fn: () => void) {
  for (let i = 0; i < 2000; i++) fn();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn();
  const c = process.cpuUsage(c0);
  return { label, us: (c.user + c.system) / N };
}
console.log(`${sig.inputs.length} inputs (German credit), ${N} iterations, CPU µs per request`);
console.log("step | old | new");
for (const form of ["oip", "instances"] as const) {
  const o = measure("old", () => oldPath(form, bodies[form]));
  const n = measure("new", () => newPath(form, bodies[form]));
  console.log(`gateway ${form} | ${o.us.toFixed(1)} | ${n.us.toFixed(1)}`);
}
const ow = measure("old", oldWorker);
const nw = measure("new", newWorker);
console.log(`worker decode (old includes re-validation) | ${ow.us.toFixed(1)} | ${nw.us.toFixed(1)}`);
if (sink < 0) console.log(sink);
