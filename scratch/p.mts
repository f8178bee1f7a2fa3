import { parse } from "csv-parse";
import { createReadStream, readFileSync } from "node:fs";
let t0 = performance.now();
let n = 0;
for await (const r of createReadStream("/tmp/refscratch/ref.csv").pipe(parse({ relax_column_count: true }))) n++;
console.log("csv-parse stream ms", Math.round(performance.now() - t0), n);
t0 = performance.now();
const text = readFileSync("/tmp/refscratch/ref.csv", "utf8");
let rows = 0; for (const line of text.split("\n")) { if (line) { line.split(","); rows++; } }
console.log("split ms", Math.round(performance.now() - t0), rows);
