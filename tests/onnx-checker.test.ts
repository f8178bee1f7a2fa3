// Every ONNX file Switchyard writes must pass ONNX's own checker (Debian's python3-onnx), not just onnxruntime.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { loadGermanCredit } from "@/lib/training/german-credit";
import { trainClassifier } from "@/lib/training/train-classifier";

const CHECK = "import onnx,sys\nm=onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint('ok', m.graph.name)";

describe("ONNX written in code", () => {
  const data = loadGermanCredit();
  for (const kind of ["logistic_regression", "mlp"] as const) {
    it(`${kind}: passes onnx.checker full_check, takes raw records and matches the trainer's own predictions`, async () => {
      const r = trainClassifier({ name: kind, data, kind });
      expect(r.metrics.auc).toBeGreaterThan(0.72);
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), "onnx-")), `${kind}.onnx`);
      writeFileSync(file, r.onnx);
      expect(execFileSync("/usr/bin/python3", ["-c", CHECK, file]).toString().trim()).toBe(`ok ${kind}`);

      const session = await ort.InferenceSession.create(file);
      const rows = r.testRows.slice(0, 20);
      const feeds: Record<string, ort.Tensor> = {};
      for (const f of r.spec.numeric) feeds[f.name] = new ort.Tensor("float32", Float32Array.from(rows.map((x) => x[f.name] as number)), [rows.length, 1]);
      for (const f of r.spec.categorical) feeds[f.name] = new ort.Tensor("string", rows.map((x) => String(x[f.name])), [rows.length, 1]);
      const out = (await session.run(feeds)).probability.data as Float32Array;
      rows.forEach((_, i) => expect(out[i]).toBeCloseTo(r.testScores[i], 4));
    });
  }

  it("encodes an unseen category as all zeros instead of failing", async () => {
    const r = trainClassifier({ name: "lr", data, kind: "logistic_regression", epochs: 20 });
    const session = await ort.InferenceSession.create(Buffer.from(r.onnx));
    const row: Record<string, number | string> = { ...r.testRows[0], purpose: "SpaceTravel" };
    const feeds: Record<string, ort.Tensor> = {};
    for (const f of r.spec.numeric) feeds[f.name] = new ort.Tensor("float32", Float32Array.of(row[f.name] as number), [1, 1]);
    for (const f of r.spec.categorical) feeds[f.name] = new ort.Tensor("string", [String(row[f.name])], [1, 1]);
    const p = (await session.run(feeds)).probability.data[0] as number;
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
});
