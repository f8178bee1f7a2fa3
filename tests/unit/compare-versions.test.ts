import { describe, expect, it } from "vitest";
import { compareNumbers, metricTable, paramTable, signatureDiffs } from "@/lib/registry/compare-versions";
import type { VersionView } from "@/lib/registry/views";

const sig = (inputs: [string, string, number[]][]) => ({ inputs: inputs.map(([name, type, shape]) => ({ name, type, shape })), outputs: [{ name: "p", type: "float32", shape: [-1, 2] }] });
const version = (number: number, v: Partial<VersionView>): VersionView => ({
  number, sha256: "0".repeat(64), sizeBytes: 1, signature: sig([["x", "float32", [-1, 20]]]), metrics: {}, params: {}, tags: [], dataset: null, description: "",
  source: "upload", parentVersion: null, aliases: [], hasReferenceProfile: false, reference: null, createdBy: "me", createdAt: "2026-01-01T00:00:00.000Z", archivedAt: null, archivedBy: null, ...v,
});

describe("comparing versions", () => {
  it("reads ?v= as 2 to 4 distinct version numbers, in the order given", () => {
    expect(compareNumbers("3,1,2")).toEqual([3, 1, 2]);
    expect(compareNumbers(["1", "v2", "2"])).toEqual([1, 2]);
    expect(compareNumbers("1")).toEqual({ error: "pick 2 to 4 versions to compare (got 1)" });
    expect(compareNumbers("1,2,3,4,5")).toHaveProperty("error");
    expect(compareNumbers("1,x")).toEqual({ error: "versions are whole numbers, e.g. ?v=1,2,3" });
    expect(compareNumbers(undefined)).toHaveProperty("error");
  });

  it("gives each metric's delta against the first version, better or worse by the metric's direction", () => {
    const rows = metricTable([
      version(1, { metrics: { auc: 0.8, logloss: 0.5 } }),
      version(2, { metrics: { auc: 0.85, logloss: 0.6 } }),
      version(3, { metrics: { auc: 0.8 } }),
    ]);
    const auc = rows.find((r) => r.name === "auc")!;
    expect(auc.cells.map((c) => c.better)).toEqual([null, "candidate", "same"]);
    expect(auc.cells[1].delta).toBeCloseTo(0.05);
    const loss = rows.find((r) => r.name === "logloss")!;
    expect(loss.lowerIsBetter).toBe(true);
    expect(loss.cells.map((c) => c.better)).toEqual([null, "champion", null]);
    expect(loss.cells[2]).toEqual({ value: null, delta: null, better: null });
  });

  it("marks params changed, added and removed against the first version", () => {
    const rows = paramTable([
      version(1, { params: { depth: 6, lr: 0.1, seed: 1 } }),
      version(2, { params: { depth: 8, lr: 0.1, trees: 100 } }),
      version(3, { params: { depth: 6, lr: 0.1, seed: 1, extra: null } }),
    ]);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by.depth.cells.map((c) => c.change)).toEqual(["base", "changed", "same"]);
    expect(by.trees.cells).toEqual([{ change: "base" }, { value: 100, change: "added" }, { change: "same" }]);
    expect(by.seed.cells.map((c) => c.change)).toEqual(["base", "removed", "same"]);
    expect(by.extra.cells[2]).toEqual({ value: null, change: "added" });
    expect(by.lr.differs).toBe(false);
  });

  it("lists only the tensors that differ from the first version's signature", () => {
    const diffs = signatureDiffs([
      version(1, {}),
      version(2, { signature: sig([["x", "float32", [-1, 20]]]) }),
      version(3, { signature: sig([["x", "float64", [-1, 20]], ["y", "float32", [1]]]) }),
    ]);
    expect(diffs[0]).toEqual({ number: 2, rows: [] });
    expect(diffs[1].rows.map((r) => [r.name, r.mismatches])).toEqual([["x", ["type"]], ["y", ["extra"]]]);
  });
});
