// Metric gates as people write them, and how checks read them against a version and the champion.
import { describe, expect, it } from "vitest";
import { parseMetricGate, policyRulesSchema } from "@/lib/governance/policy-rules";
import { runChecks } from "@/lib/governance/run-checks";
import type { VersionFacts } from "@/lib/governance/evidence";
import { creditSignature } from "./fixtures";

const facts = (version: number, metrics: Record<string, number>): VersionFacts => ({
  model: "credit", version, sha256: "a".repeat(64), signature: creditSignature, metrics, params: {},
  lineage: { parentVersion: null, dataset: null, source: "upload", createdBy: "ci", createdAt: "2026-01-01T00:00:00.000Z" },
});
const check = (gate: string, candidate: Record<string, number>, champion: Record<string, number> | null) =>
  runChecks({ rules: policyRulesSchema.parse({ gates: { metrics: [gate], signature: false } }), candidates: [facts(3, candidate)], champion: champion && facts(2, champion), shadows: null, variantOf: () => "" })[0];

describe("metric gates", () => {
  it("parse absolute and champion-relative forms, and nothing else", () => {
    expect(parseMetricGate("auc >= 0.75")).toMatchObject({ metric: "auc", op: ">=", value: 0.75, relative: false });
    expect(parseMetricGate(" log_loss<=champion+0.01 ")).toMatchObject({ metric: "log_loss", op: "<=", value: 0.01, relative: true });
    expect(parseMetricGate("auc >= champion - 0.005")).toMatchObject({ value: -0.005, relative: true });
    expect(parseMetricGate("auc > champion")).toMatchObject({ value: 0, relative: true });
    for (const bad of ["auc >> 0.7", "auc >= ", ">= 0.7", "auc >= champion * 2", "auc >= 0.7; drop", "auc = 0.7"]) expect(parseMetricGate(bad), bad).toBeNull();
  });

  it("read the metric under the name the gate gives, case included", () => {
    expect(check("AUC >= 0.7", { AUC: 0.9 }, null)).toMatchObject({ passed: true });
    expect(check("auc >= 0.7", { AUC: 0.9 }, null)).toMatchObject({ passed: false, detail: "credit v3 reports no auc" });
  });

  it("compare with the champion, and fail when either side lacks the metric", () => {
    expect(check("auc >= champion - 0.005", { auc: 0.776 }, { auc: 0.78 })).toMatchObject({ passed: true });
    expect(check("auc >= champion - 0.005", { auc: 0.77 }, { auc: 0.78 })).toMatchObject({ passed: false, detail: "credit v3: auc 0.77 fails >= 0.775 (champion 0.78)" });
    expect(check("auc >= champion", { auc: 0.7 }, { accuracy: 0.9 })).toMatchObject({ passed: false, detail: "the champion credit v2 reports no auc" });
    expect(check("auc >= champion", { auc: 0.7 }, null)).toMatchObject({ passed: true });
  });
});
