import { checkReferenceFile } from "../lib/reference/check-reference-process";
import { columnsOf } from "../lib/reference/reference-columns";
import { inspectModel } from "../lib/onnx/inspect-model";
const signature = await inspectModel({ file: "/tmp/refscratch/m.onnx", sizeBytes: 1000 });
const cols = columnsOf(signature);
if ("problem" in cols) throw new Error();
const t0 = performance.now();
const r = await checkReferenceFile("/tmp/refscratch/ref.csv", "/tmp/refscratch/out.bin", { columns: cols.columns, maxRows: 100000, seed: 1, maxRowChars: 1 << 20 });
console.log("ms", Math.round(performance.now() - t0), r.ok);
