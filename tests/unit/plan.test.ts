// What a deployment does step by step, and the routing in force at each canary step.
import { describe, expect, it } from "vitest";
import { blueGreenPlanSchema, buildSteps, canaryPlanSchema, canaryRouting, newVariants } from "@/lib/serving/control/deployments/plan";
import { routing, variant } from "./fixtures";

const shape = (steps: ReturnType<typeof buildSteps>) => steps.map((s) => [s.kind, s.percent ?? null, s.seconds ?? null]);
const weights = (r: ReturnType<typeof canaryRouting>) => r.variants.map((v) => [v.name, v.role, v.weight]);

describe("canary and blue-green plans", () => {
  it("fills a canary plan's defaults: 10 → 50, a minute's bake, 5% errors, 500 ms p95, 100 requests per new variant, 600 s wait for them", () => {
    expect(canaryPlanSchema.parse({})).toEqual({ steps: [10, 50], bakeSeconds: 60, maxErrorRate: 0.05, maxP95Ms: 500, minRequests: 100, maxWaitSeconds: 600 });
    expect(blueGreenPlanSchema.parse({})).toEqual({ rollbackWindowSeconds: 300 });
  });

  it("refuses canary steps of 0% or 100%, more than ten steps, and rates above 1", () => {
    for (const bad of [{ steps: [0] }, { steps: [100] }, { steps: [] }, { steps: Array.from({ length: 11 }, (_, i) => i + 1) }, { maxErrorRate: 1.5 }, { bakeSeconds: -1 }]) {
      expect(canaryPlanSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(canaryPlanSchema.safeParse({ steps: [1, 5, 25, 99.5] }).success).toBe(true);
  });
});

describe("buildSteps", () => {
  it("immediate: place, switch, clean up", () => {
    const steps = buildSteps("immediate", {});
    expect(shape(steps)).toEqual([["place", null, null], ["switch", null, null], ["cleanup", null, null]]);
    expect(steps.every((s) => s.status === "pending")).toBe(true);
  });

  it("canary: a shift and a bake per step, then switch and clean up", () => {
    const steps = buildSteps("canary", { canary: canaryPlanSchema.parse({ steps: [10, 50], bakeSeconds: 30 }) });
    expect(shape(steps)).toEqual([
      ["place", null, null],
      ["shift", 10, null],
      ["bake", 10, 30],
      ["shift", 50, null],
      ["bake", 50, 30],
      ["switch", null, null],
      ["cleanup", null, null],
    ]);
    expect(steps.every((s) => s.status === "pending")).toBe(true);
  });

  it("canary with one step of 25%", () => {
    expect(shape(buildSteps("canary", { canary: canaryPlanSchema.parse({ steps: [25], bakeSeconds: 0 }) }))).toEqual([
      ["place", null, null], ["shift", 25, null], ["bake", 25, 0], ["switch", null, null], ["cleanup", null, null],
    ]);
  });

  it("blue-green: place, verify, switch, keep the old warm for the rollback window, clean up", () => {
    expect(shape(buildSteps("blue_green", { blueGreen: { rollbackWindowSeconds: 1 } }))).toEqual([
      ["place", null, null], ["verify", null, null], ["switch", null, null], ["keep_warm", null, 1], ["cleanup", null, null],
    ]);
    expect(buildSteps("blue_green", {}).find((s) => s.kind === "keep_warm")?.seconds).toBe(300);
  });

  it("gives every call fresh step objects (a running deployment mutates its own)", () => {
    const a = buildSteps("immediate", {});
    a[0].status = "done";
    expect(buildSteps("immediate", {})[0].status).toBe("pending");
  });
});

describe("newVariants", () => {
  it("is the serving variants of the target that are not serving now", () => {
    const from = routing([variant(1, 100)]);
    const to = routing([variant(1, 50), variant(2, 50), variant(3, 0, { role: "shadow" })]);
    expect(newVariants(from, to).map((v) => v.name)).toEqual(["credit-v2"]);
  });

  it("counts a version that was only a shadow, or had weight 0, as new", () => {
    const from = routing([variant(1, 100), variant(2, 0, { role: "shadow" }), variant(3, 0)]);
    const to = routing([variant(2, 50), variant(3, 50)]);
    expect(newVariants(from, to).map((v) => v.name)).toEqual(["credit-v2", "credit-v3"]);
  });

  it("is empty when only the weights change, and everything on an endpoint that served nothing", () => {
    expect(newVariants(routing([variant(1, 90), variant(2, 10)]), routing([variant(1, 50), variant(2, 50)]))).toEqual([]);
    expect(newVariants(routing([]), routing([variant(1, 100)])).map((v) => v.name)).toEqual(["credit-v1"]);
  });
});

describe("canaryRouting", () => {
  const from = routing([variant(1, 100)], { header: "x-user-id" });
  const to = routing([variant(2, 100)], { header: "x-user-id" });

  it("puts `percent` on the new version as a canary and the rest on the old one as primary, at each step", () => {
    expect(weights(canaryRouting(from, to, 10))).toEqual([["credit-v1", "primary", 90], ["credit-v2", "canary", 10]]);
    expect(weights(canaryRouting(from, to, 50))).toEqual([["credit-v1", "primary", 50], ["credit-v2", "canary", 50]]);
    expect(weights(canaryRouting(from, to, 99))).toEqual([["credit-v1", "primary", 1], ["credit-v2", "canary", 99]]);
  });

  it("splits each side in proportion to its own weights", () => {
    const old = routing([variant(1, 70), variant(2, 30)]);
    const target = routing([variant(3, 60), variant(4, 40)]);
    expect(weights(canaryRouting(old, target, 10))).toEqual([
      ["credit-v1", "primary", 63], ["credit-v2", "primary", 27], ["credit-v3", "canary", 6], ["credit-v4", "canary", 4],
    ]);
  });

  it("rounds shares to 3 decimals, still summing to 100 within rounding", () => {
    const target = routing([variant(9, 100)]);
    const thirds = routing([variant(1, 1), variant(3, 1), variant(4, 1)]);
    const at = (from: ReturnType<typeof routing>, percent: number) => canaryRouting(from, target, percent).variants.map((v) => v.weight);
    expect(at(thirds, 10)).toEqual([30, 30, 30, 10]);
    expect(at(thirds, 25)).toEqual([25, 25, 25, 25]);
    expect(at(thirds, 50)).toEqual([16.667, 16.667, 16.667, 50]);
    expect(at(routing([variant(1, 1), variant(3, 2)]), 10)).toEqual([30, 60, 10]);
    for (const percent of [1, 5, 10, 33, 50, 90, 99]) {
      expect(Math.abs(at(thirds, percent).reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(0.002);
    }
  });

  it("keeps the old version as primary when it stays in the target", () => {
    const target = routing([variant(1, 80), variant(2, 20)]);
    expect(weights(canaryRouting(from, target, 10))).toEqual([["credit-v1", "primary", 90], ["credit-v2", "canary", 10]]);
  });

  it("carries the target's shadows and sticky key, and drops the old routing's shadows", () => {
    const old = routing([variant(1, 100), variant(5, 0, { role: "shadow" })], null);
    const target = routing([variant(2, 100), variant(6, 0, { role: "shadow" })], { field: "customer" });
    const r = canaryRouting(old, target, 10);
    expect(weights(r)).toEqual([["credit-v1", "primary", 90], ["credit-v2", "canary", 10], ["credit-v6", "shadow", 0]]);
    expect(r.sticky).toEqual({ field: "customer" });
  });

  it("is the target itself when nothing is new, or nothing was serving", () => {
    const reweighted = routing([variant(1, 50), variant(2, 50)]);
    expect(canaryRouting(routing([variant(1, 90), variant(2, 10)]), reweighted, 10)).toBe(reweighted);
    expect(canaryRouting(routing([]), to, 10)).toBe(to);
  });

  it("leaves its inputs untouched", () => {
    const before = JSON.stringify([from, to]);
    canaryRouting(from, to, 10);
    expect(JSON.stringify([from, to])).toBe(before);
  });
});
