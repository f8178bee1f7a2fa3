// Trains the German-credit MLP and writes model.onnx, metrics.json and params.json to the given folder.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { trainClassifier } from "../../lib/training/train-classifier";

const out = process.argv[2] ?? "out";
mkdirSync(out, { recursive: true });
const r = trainClassifier({ name: "credit-risk", data: loadGermanCredit(), kind: "mlp" });
writeFileSync(path.join(out, "model.onnx"), r.onnx);
writeFileSync(path.join(out, "metrics.json"), JSON.stringify({ auc: r.metrics.auc, accuracy: r.metrics.accuracy, log_loss: r.metrics.log_loss }));
writeFileSync(path.join(out, "params.json"), JSON.stringify(r.params));
console.log(`AUC ${r.metrics.auc}`);
