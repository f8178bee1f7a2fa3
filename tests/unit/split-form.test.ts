// The split editor's rules: which strategies it offers, where an API error shows, what "Deploy this
// version" pre-fills.
import { describe, expect, it } from "vitest";
import { addedVariants, strategiesFor } from "@/lib/serving/shared/new-variants";
import { errorPlace, parseDeploy, withDeployedVersion, type SplitRow } from "@/lib/web/split-form";
import { newVariants } from "@/lib/serving/control/deployments/plan";
import { routing, variant } from "./fixtures";

const row = (version: number, weight: number, role: SplitRow["role"] = "primary", model = "credit"): SplitRow => ({ model, version, weight, role, device: "cpu" });

describe("strategiesFor", () => {
  it("offers only immediate when nothing new serves: weights change, a shadow is added, or a version is removed", () => {
    const live = [row(1, 90), row(2, 10)];
    expect(strategiesFor(live, [row(1, 50), row(2, 50)])).toEqual(["immediate"]);
    expect(strategiesFor(live, [row(1, 90), row(2, 10), row(3, 0, "shadow")])).toEqual(["immediate"]);
    expect(strategiesFor(live, [row(1, 100)])).toEqual(["immediate"]);
  });

  it("offers canary and blue-green when a version comes in, or a shadow or 0% variant starts serving", () => {
    expect(strategiesFor([row(1, 100)], [row(2, 100)])).toEqual(["immediate", "canary", "blue_green"]);
    expect(strategiesFor([row(1, 100), row(2, 0, "shadow")], [row(1, 80), row(2, 20, "canary")])).toEqual(["immediate", "canary", "blue_green"]);
    expect(strategiesFor([row(1, 100)], [row(1, 90), row(1, 10, "canary", "other")])).toEqual(["immediate", "canary", "blue_green"]);
    expect(strategiesFor([], [row(1, 100)])).toEqual(["immediate", "canary", "blue_green"]);
  });

  it("is the deployment planner's rule (newVariants), keyed by model@version instead of version id", () => {
    const from = routing([variant(1, 90), variant(2, 10)]);
    const to = routing([variant(1, 50), variant(3, 50)]);
    expect(newVariants(from, to).map((v) => v.name)).toEqual(["credit-v3"]);
    expect(addedVariants(from.variants, to.variants, (v) => v.name).map((v) => v.name)).toEqual(["credit-v3"]);
  });
});

describe("errorPlace", () => {
  it("puts a variant's error next to that row's input", () => {
    expect(errorPlace("variants.1.version")).toEqual({ kind: "row", index: 1, field: "version" });
    expect(errorPlace("variants.0")).toEqual({ kind: "row", index: 0, field: null });
    expect(errorPlace("variants.2.batching.maxBatch")).toEqual({ kind: "row", index: 2, field: null });
    expect(errorPlace("traffic.variants.0.weight")).toEqual({ kind: "row", index: 0, field: "weight" });
  });

  it("puts guardrail, strategy and stale-split errors next to their fields, and the rest above the form", () => {
    expect(errorPlace("canary.steps.0")).toEqual({ kind: "field", field: "canary.steps" });
    expect(errorPlace("canary.maxP95Ms")).toEqual({ kind: "field", field: "canary.maxP95Ms" });
    expect(errorPlace("traffic.strategy")).toEqual({ kind: "field", field: "strategy" });
    expect(errorPlace("expectedRoutingVersion")).toEqual({ kind: "field", field: "expectedRoutingVersion" });
    expect(errorPlace("variants")).toEqual({ kind: "field", field: "variants" });
    expect(errorPlace("model")).toEqual({ kind: "form" });
    expect(errorPlace(null)).toEqual({ kind: "form" });
  });
});

describe("Deploy this version", () => {
  it("reads model@version and nothing else", () => {
    expect(parseDeploy("credit-risk@3")).toEqual({ model: "credit-risk", version: 3 });
    for (const bad of ["credit-risk", "credit-risk@0", "credit-risk@x", "Credit@1", "a@99999999999", "", null, undefined]) expect(parseDeploy(bad), String(bad)).toBeNull();
  });

  it("adds the version as a 10% canary, the serving rows keeping the rest in proportion, totalling exactly 100", () => {
    const rows = withDeployedVersion([row(1, 70), row(2, 30), row(4, 0, "shadow")], { model: "credit", version: 3 });
    expect(rows.map((r) => [r.version, r.weight, r.role])).toEqual([[1, 63, "primary"], [2, 27, "primary"], [4, 0, "shadow"], [3, 10, "canary"]]);
    const thirds = withDeployedVersion([row(1, 33.333), row(2, 33.333), row(5, 33.334)], { model: "credit", version: 3 });
    expect(thirds.filter((r) => r.role !== "shadow").reduce((s, r) => s + r.weight, 0)).toBeCloseTo(100, 9);
  });

  it("serves the version alone on an empty endpoint, and leaves a split that has it already", () => {
    expect(withDeployedVersion([], { model: "credit", version: 3 })).toEqual([row(3, 100)]);
    const has = [row(1, 90), row(3, 10, "canary")];
    expect(withDeployedVersion(has, { model: "credit", version: 3 })).toBe(has);
  });
});
