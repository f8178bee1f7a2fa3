// What the promotion page marks when it sets a candidate beside the champion.
import { describe, expect, it } from "vitest";
import { compareMetrics, diffParams, diffSignature, lowerIsBetter } from "@/lib/governance/compare-evidence";
import { creditSignature } from "./fixtures";

describe("compareMetrics", () => {
  it("marks the higher value better, and the lower one for losses and errors", () => {
    const rows = compareMetrics({ auc: 0.8, log_loss: 0.49, rmse: 0.3 }, { auc: 0.78, log_loss: 0.45, rmse: 0.3 });
    expect(rows).toEqual([
      { name: "auc", candidate: 0.8, champion: 0.78, better: "candidate", lowerIsBetter: false },
      { name: "log_loss", candidate: 0.49, champion: 0.45, better: "champion", lowerIsBetter: true },
      { name: "rmse", candidate: 0.3, champion: 0.3, better: "same", lowerIsBetter: true },
    ]);
  });

  it("knows which metric names are better lower", () => {
    expect(["log_loss", "error_rate", "rmse", "mae", "mse", "brier", "val_loss"].every(lowerIsBetter)).toBe(true);
    expect(["auc", "accuracy", "f1", "r2", "precision", "recall"].some(lowerIsBetter)).toBe(false);
  });

  it("lists metrics only one side reports, with nothing marked, and works without a champion", () => {
    expect(compareMetrics({ f1: 0.7 }, { auc: 0.7 })).toEqual([
      { name: "auc", candidate: null, champion: 0.7, better: null, lowerIsBetter: false },
      { name: "f1", candidate: 0.7, champion: null, better: null, lowerIsBetter: false },
    ]);
    expect(compareMetrics({ auc: 0.9 }, null)).toEqual([{ name: "auc", candidate: 0.9, champion: null, better: null, lowerIsBetter: false }]);
  });
});

describe("diffParams", () => {
  it("tells changed, added, removed and unchanged params apart, null values included", () => {
    expect(diffParams({ lr: 0.01, hidden: 16, seed: 42, reg: null }, { lr: 0.1, seed: 42, penalty: "l2", reg: null })).toEqual([
      { name: "hidden", candidate: 16, change: "added" },
      { name: "lr", candidate: 0.01, champion: 0.1, change: "changed" },
      { name: "penalty", champion: "l2", change: "removed" },
      { name: "reg", candidate: null, champion: null, change: "same" },
      { name: "seed", candidate: 42, champion: 42, change: "same" },
    ]);
  });

  it("does not confuse the string and the number of the same digits", () => {
    expect(diffParams({ depth: "3" }, { depth: 3 })[0].change).toBe("changed");
  });
});

describe("diffSignature", () => {
  it("finds no mismatch between identical signatures", () => {
    expect(diffSignature(creditSignature, creditSignature).every((r) => r.mismatches.length === 0)).toBe(true);
  });

  it("names a changed type, a changed shape, a missing and an extra input", () => {
    const candidate = {
      inputs: [
        { name: "age", type: "float64", shape: ["N", 1] },
        { name: "income", type: "float32", shape: ["N", 1] },
      ],
      outputs: creditSignature.outputs.map((o) => ({ ...o, shape: [...o.shape, 2] })),
    };
    const rows = diffSignature(candidate, creditSignature);
    const byName = Object.fromEntries(rows.map((r) => [`${r.direction}:${r.name}`, r.mismatches]));
    expect(byName["input:age"]).toEqual(["type"]);
    expect(byName["input:purpose"]).toEqual(["missing"]);
    expect(byName["input:income"]).toEqual(["extra"]);
    for (const o of creditSignature.outputs) expect(byName[`output:${o.name}`]).toEqual(["shape"]);
    // the champion's order first, then what only the candidate has
    expect(rows.filter((r) => r.direction === "input").map((r) => r.name)).toEqual(["age", "purpose", "income"]);
  });

  it("marks nothing when there is no champion to compare with", () => {
    const rows = diffSignature(creditSignature, null);
    expect(rows.map((r) => [r.name, r.champion, r.mismatches])).toEqual([...creditSignature.inputs, ...creditSignature.outputs].map((s) => [s.name, null, []]));
  });
});
