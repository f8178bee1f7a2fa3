// Baseline for the benchmark: one process, node:http, session.run inside, nothing else.
import http from "node:http";
import * as ort from "onnxruntime-node";
import { inspectModel } from "../../lib/onnx/inspect-model";
import { toOrtFeeds, fromOrtOutputs } from "../../lib/serving/data/inference/ort-tensors";

const [file, port] = [process.argv[2], Number(process.argv[3])];
const signature = await inspectModel({ file, sizeBytes: 1 });
const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { inputs: { name: string; shape: number[]; data: (number | string)[] }[] };
    const feeds = Object.fromEntries(body.inputs.map((i) => [i.name, { shape: i.shape, data: i.data }]));
    const out = fromOrtOutputs(await session.run(toOrtFeeds(feeds, signature)));
    const text = JSON.stringify({ outputs: Object.entries(out).map(([name, t]) => ({ name, shape: t.shape, datatype: "FP32", data: t.data })) });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
}).listen(port, "127.0.0.1", () => process.send?.("ready"));
