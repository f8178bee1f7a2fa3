// Entry script of the upload validator: a child process the web starts per upload (inspect-model.ts)
// with a time limit, a JS heap limit and a watch on its resident memory. It runs the static checks,
// then loads the file in onnxruntime and reports the signature as one `RESULT ` line on stdout. It
// is the only module outside the inference worker that loads onnxruntime.
import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import { exitWithParent } from "../exit-with-parent";
import { SESSION_OPTIONS } from "./session-options";
import { checkModelLimits, ModelLimitError, type ModelLimits } from "./check-model-limits";
import { specsFromMetadata, type Signature } from "./signature";

export type InspectResult = { ok: true; signature: Signature } | { ok: false; kind: "limit" | "invalid"; message: string };

const report = (r: InspectResult) => process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);

exitWithParent(); // a web that goes away mid-check takes this process with it
const [file, limitsJson] = process.argv.slice(2);
try {
  checkModelLimits(await readFile(file), JSON.parse(limitsJson) as ModelLimits);
  // the workers' session options (graph optimisation "all", which folds constants): a graph that is
  // costly to optimise is caught here, within the limits, rather than in a worker.
  const session = await ort.InferenceSession.create(file, { ...SESSION_OPTIONS, intraOpNumThreads: 1 });
  report({ ok: true, signature: { inputs: specsFromMetadata(session.inputMetadata), outputs: specsFromMetadata(session.outputMetadata) } });
  await session.release();
} catch (err) {
  const message = String((err as Error).message ?? err).split(file).join("the file").replace(/\s+/g, " ").slice(0, 300);
  report({ ok: false, kind: err instanceof ModelLimitError ? "limit" : "invalid", message });
}
