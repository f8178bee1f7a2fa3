// Labelled-performance metrics against sklearn (Debian's python3-sklearn, a test-time oracle only), at
// 1e-9 relative: accuracy, ROC AUC (with tied scores), log loss, the uniform calibration curve, MAE and
// RMSE; and the rule that turns a logged prediction and its label into what they read.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { accuracy, calibration, logLoss, mae, prepareSample, rmse, rocAuc, type Labelled, type Sample } from "@/lib/performance/compute-metrics";
import { readOutcome, taskOf, type Outcome } from "@/lib/performance/read-outcome";
import { seededRandom } from "@/lib/training/random";

const ORACLE = `
import json, sys
import numpy as np
from sklearn.metrics import accuracy_score, roc_auc_score, log_loss, mean_absolute_error, mean_squared_error
from sklearn.calibration import calibration_curve
out = []
for c in json.load(sys.stdin):
    y = np.array(c["y"], dtype=float)
    p = np.array(c["p"], dtype=float)
    r = {}
    if c["kind"] == "binary":
        r["accuracy"] = accuracy_score(y, (p >= 0.5).astype(float))
        r["auc"] = roc_auc_score(y, p) if len(set(c["y"])) == 2 else None
        r["log_loss"] = log_loss(y, p, labels=[0, 1])
        if len(set(c["y"])) == 2:
            t, m = calibration_curve(y, p, n_bins=10, strategy="uniform")
            r["cal_true"], r["cal_pred"] = t.tolist(), m.tolist()
    else:
        r["mae"] = mean_absolute_error(y, p)
        r["rmse"] = float(np.sqrt(mean_squared_error(y, p)))
    out.append(r)
print(json.dumps(out))
`;

type Case = { kind: "binary" | "regression"; y: number[]; p: number[] };
type Oracle = { accuracy?: number; auc?: number | null; log_loss?: number; cal_true?: number[]; cal_pred?: number[]; mae?: number; rmse?: number };

const sklearn = (cases: Case[]): Oracle[] => JSON.parse(execFileSync("/usr/bin/python3", ["-c", ORACLE], { input: JSON.stringify(cases) }).toString());

const close = (got: number | null, want: number) => {
  expect(got).not.toBeNull();
  expect(Math.abs(got! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
};

/** Binary predictions as the seeded German-credit models log them ({probability: [p]}), labelled 1/0, through the product's rule. */
function binarySample(y: number[], p: number[]): Sample {
  return prepareSample(y.map((label, i) => readOutcome({ task: "classification", outputs: { probability: [p[i]] }, label }) as Outcome));
}

const rand = seededRandom(42);
const noisy = Array.from({ length: 600 }, () => rand());
const binaryCases: Case[] = [
  // scores rounded to two decimals: many ties, and values on the bin edges (0.1, 0.3…, 0 and 1)
  { kind: "binary", y: noisy.map((u) => (rand() < u ? 1 : 0)), p: noisy.map((u) => Math.round(u * 100) / 100) },
  // three distinct scores only: AUC is all ties
  { kind: "binary", y: Array.from({ length: 90 }, (_, i) => (i % 3 === 2 || i % 7 === 0 ? 1 : 0)), p: Array.from({ length: 90 }, (_, i) => [0.2, 0.5, 0.8][i % 3]) },
  // unrounded scores, including exact 0 and 1 (log loss clips them)
  { kind: "binary", y: [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1], p: [1, 0, 0.73, 0.41, 0.09, 0.999999, 0.1, 0.30000000000000004, 0.5, 0.5, 1e-300] },
];
const singleClass: Case = { kind: "binary", y: [0, 0, 0, 0, 0], p: [0.1, 0.4, 0.6, 0.2, 0.9] };
const regression: Case = { kind: "regression", y: noisy.map((u) => 100 * u), p: noisy.map((u) => 100 * u + (rand() - 0.5) * 20) };

describe("metrics, compared with sklearn at 1e-9", () => {
  const want = sklearn([...binaryCases, singleClass, regression]);

  it("accuracy, ROC AUC (ties included), log loss and the uniform calibration curve", () => {
    binaryCases.forEach((c, k) => {
      const s = binarySample(c.y, c.p);
      close(accuracy(s), want[k].accuracy!);
      close(rocAuc(s), want[k].auc!);
      close(logLoss(s), want[k].log_loss!);
      const bins = calibration(s);
      expect(bins).toHaveLength(10);
      expect(bins.reduce((n, b) => n + b.count, 0)).toBe(c.y.length);
      const filled = bins.filter((b) => b.count > 0);
      expect(filled.length).toBe(want[k].cal_true!.length);
      filled.forEach((b, i) => {
        close(b.fractionPositive, want[k].cal_true![i]);
        close(b.meanPredicted, want[k].cal_pred![i]);
      });
      bins.filter((b) => b.count === 0).forEach((b) => expect([b.meanPredicted, b.fractionPositive]).toEqual([null, null]));
    });
  });

  it("a single class: AUC is undefined (null), the rest still computed", () => {
    const s = binarySample(singleClass.y, singleClass.p);
    expect(rocAuc(s)).toBeNull();
    close(accuracy(s), want[binaryCases.length].accuracy!);
    close(logLoss(s), want[binaryCases.length].log_loss!);
  });

  it("MAE and RMSE for regression", () => {
    const s = prepareSample(regression.y.map((label, i) => readOutcome({ task: "regression", outputs: { variable: [regression.p[i]] }, label }) as Outcome));
    close(mae(s), want.at(-1)!.mae!);
    close(rmse(s), want.at(-1)!.rmse!);
    expect(accuracy(s)).toBeNull();
    expect(rocAuc(s)).toBeNull();
  });

  it("no labelled predictions: every metric is null", () => {
    const s = prepareSample([]);
    expect([accuracy(s), rocAuc(s), logLoss(s), mae(s), rmse(s)]).toEqual([null, null, null, null, null]);
  });

  it("a weight counts as that many copies (what a bootstrap resample uses)", () => {
    const c = binaryCases[0];
    const weights = Float64Array.from(c.y, (_, i) => i % 4);
    const copies: Labelled[] = [];
    const base = c.y.map((label, i) => readOutcome({ task: "classification", outputs: { probability: [c.p[i]] }, label }) as Outcome);
    base.forEach((o, i) => { for (let k = 0; k < weights[i]; k++) copies.push(o); });
    const s = prepareSample(base), d = prepareSample(copies);
    for (const f of [accuracy, rocAuc, logLoss]) close(f(s, weights), f(d)!);
    expect(calibration(s, weights).map((b) => b.count)).toEqual(calibration(d).map((b) => b.count));
  });
});

describe("reading a prediction and its label", () => {
  it("German-credit outputs: probability is P(positive); 1/0 labels, or the version's positive class", () => {
    expect(readOutcome({ task: "classification", outputs: { probability: [0.7] }, label: 1 })).toEqual({ actual: 1, score: 0.7, correct: true });
    expect(readOutcome({ task: "classification", outputs: { probability: [0.7] }, label: "false" })).toEqual({ actual: 0, score: 0.7, correct: false });
    expect(readOutcome({ task: "classification", positiveClass: "bad", outputs: { probability: [0.2] }, label: "good" })).toEqual({ actual: 0, score: 0.2, correct: true });
    expect(readOutcome({ task: "classification", positiveClass: "bad", outputs: { probability: [0.2] }, label: "bad" })).toEqual({ actual: 1, score: 0.2, correct: false });
    expect(readOutcome({ task: "classification", outputs: { probability: [0.2] }, label: "bad" })).toMatch(/say which class is positive/);
  });

  it("skl2onnx outputs: the label output decides accuracy, probabilities column 1 is the score", () => {
    expect(readOutcome({ task: "classification", outputs: { label: [1], probabilities: [0.35, 0.65] }, label: 1 })).toEqual({ actual: 1, score: 0.65, correct: true });
    expect(readOutcome({ task: "classification", outputs: { output_label: ["cat"], output_probability: [0.1, 0.7, 0.2] }, label: "dog" })).toEqual({ actual: null, score: null, correct: false });
    // multi-class without a label output: the predicted class is the argmax index
    expect(readOutcome({ task: "classification", outputs: { probabilities: [0.1, 0.7, 0.2] }, label: 1 })).toEqual({ actual: null, score: null, correct: true });
  });

  it("regression takes a number, compared with the first numeric output", () => {
    expect(taskOf("regression")).toBe("regression");
    expect(taskOf("binary_classification")).toBe("classification");
    expect(readOutcome({ task: "regression", outputs: { variable: [3.5] }, label: 4 })).toEqual({ actual: 4, score: 3.5, correct: null });
    expect(readOutcome({ task: "regression", outputs: { variable: [3.5] }, label: "4" })).toMatch(/must be a number/);
    expect(readOutcome({ task: "classification", outputs: { embedding: ["x"] }, label: 1 })).toMatch(/no probability or label/);
  });
});
