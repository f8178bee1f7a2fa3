// What served an endpoint when, worked out from its deployment rows: immediate switches, each canary
// step's mix, rollbacks and failures that put the old routing back, and a deployment still running.
import { describe, expect, it } from "vitest";
import { buildSteps, canaryPlanSchema, type Step } from "@/lib/serving/control/deployments/plan";
import { periodAt, routingPeriods, type DeploymentFacts } from "@/lib/serving/control/endpoints/routing-periods";
import { EMPTY_ROUTING, type Routing } from "@/lib/serving/shared/routing";
import { routing, variant } from "./fixtures";

const T0 = Date.parse("2025-03-01T00:00:00Z");
/** Minutes after T0. */
const t = (min: number) => new Date(T0 + min * 60_000);
const iso = (min: number) => t(min).toISOString();

const v1 = routing([variant(1, 100)]);
const v2 = routing([variant(2, 100)]);
const v3 = routing([variant(3, 100)]);

type Done = Record<number, number | "failed">; // step index → minute it finished, or failed

/** A deployment as the runner leaves it: the steps in `done` finished at those minutes. */
function deployment(id: string, from: Routing, to: Routing, steps: Step[], done: Done, extra: Partial<DeploymentFacts> = {}): DeploymentFacts {
  const finished = Object.values(done).filter((x): x is number => typeof x === "number");
  const start = finished.length ? Math.min(...finished) - 1 : 0;
  return {
    id, status: "succeeded", createdAt: t(start), startedAt: t(start), finishedAt: t(Math.max(start, ...finished)),
    fromRouting: from, toRouting: to,
    steps: steps.map((s, i) => (done[i] === "failed" ? { ...s, status: "failed" } : done[i] !== undefined ? { ...s, status: "done", finishedAt: iso(done[i] as number) } : s)),
    ...extra,
  };
}
const immediate = (id: string, from: Routing, to: Routing, switchedAt: number, extra: Partial<DeploymentFacts> = {}) =>
  deployment(id, from, to, buildSteps("immediate", {}), { 0: switchedAt - 0.5, 1: switchedAt, 2: switchedAt + 0.5 }, extra);
const canarySteps = buildSteps("canary", { canary: canaryPlanSchema.parse({ steps: [10, 50] }) }); // place, shift 10, bake, shift 50, bake, switch, cleanup

const summary = (ps: ReturnType<typeof routingPeriods>) =>
  ps.map((p) => [p.key, p.change, p.routing.variants.map((v) => `${v.name}:${v.weight}${v.role === "primary" ? "" : `:${v.role}`}`).join(" "), p.from.toISOString(), p.until?.toISOString() ?? null]);

describe("routingPeriods", () => {
  it("chains immediate deployments: each routing serves from its switch until the next one's", () => {
    const ps = routingPeriods({
      createdAt: t(0), live: v3,
      deployments: [immediate("d2", v1, v2, 20), immediate("d1", EMPTY_ROUTING, v1, 10), immediate("d3", v2, v3, 30)],
    });
    expect(summary(ps)).toEqual([
      ["d1.1", "switch", "credit-v1:100", iso(10), iso(20)],
      ["d2.1", "switch", "credit-v2:100", iso(20), iso(30)],
      ["d3.1", "switch", "credit-v3:100", iso(30), null],
    ]);
  });

  it("gives each canary step the mix it served, from its shift until the next shift, then the target from the switch", () => {
    const d = deployment("c", v1, v2, canarySteps, { 0: 10, 1: 11, 2: 15, 3: 16, 4: 20, 5: 21, 6: 22 });
    const ps = routingPeriods({ createdAt: t(0), live: v2, deployments: [immediate("d1", EMPTY_ROUTING, v1, 5), d] });
    expect(summary(ps)).toEqual([
      ["d1.1", "switch", "credit-v1:100", iso(5), iso(11)],
      ["c.1", "canary_step", "credit-v1:90 credit-v2:10:canary", iso(11), iso(16)],
      ["c.3", "canary_step", "credit-v1:50 credit-v2:50:canary", iso(16), iso(21)],
      ["c.5", "switch", "credit-v2:100", iso(21), null],
    ]);
    expect(ps.map((p) => p.percent)).toEqual([null, 10, 50, null]);
    expect(ps.slice(1).every((p) => p.deploymentId === "c")).toBe(true);
  });

  it("ends a rolled-back canary's share when it finished, and the old routing serves again from then", () => {
    const d = deployment("c", v1, v2, canarySteps, { 0: 10, 1: 11, 2: 15, 3: 16, 4: "failed" }, { status: "rolled_back", finishedAt: t(19) });
    const ps = routingPeriods({ createdAt: t(0), live: v1, deployments: [immediate("d1", EMPTY_ROUTING, v1, 5), d] });
    expect(summary(ps)).toEqual([
      ["d1.1", "switch", "credit-v1:100", iso(5), iso(11)],
      ["c.1", "canary_step", "credit-v1:90 credit-v2:10:canary", iso(11), iso(16)],
      ["c.3", "canary_step", "credit-v1:50 credit-v2:50:canary", iso(16), iso(19)],
      ["c.restore", "restore", "credit-v1:100", iso(19), null],
    ]);
  });

  it("leaves out a deployment that failed before it moved any traffic: it never served", () => {
    const placementFailed = deployment("f", v1, v2, buildSteps("immediate", {}), { 0: "failed" }, { status: "failed", startedAt: t(20), finishedAt: t(21) });
    const ps = routingPeriods({ createdAt: t(0), live: v1, deployments: [immediate("d1", EMPTY_ROUTING, v1, 5), placementFailed] });
    expect(summary(ps)).toEqual([["d1.1", "switch", "credit-v1:100", iso(5), null]]);
  });

  it("puts the old routing back when a deployment fails after its switch (the queue gave up during cleanup)", () => {
    const d = deployment("bg", v1, v2, buildSteps("blue_green", {}), { 0: 10, 1: 11, 2: 12, 3: "failed" }, { status: "failed", finishedAt: t(30) });
    expect(summary(routingPeriods({ createdAt: t(0), live: v1, deployments: [immediate("d1", EMPTY_ROUTING, v1, 5), d] }))).toEqual([
      ["d1.1", "switch", "credit-v1:100", iso(5), iso(12)],
      ["bg.2", "switch", "credit-v2:100", iso(12), iso(30)],
      ["bg.restore", "restore", "credit-v1:100", iso(30), null],
    ]);
  });

  it("shows a canary in progress: its current step serves until now, and pending deployments change nothing", () => {
    const running = deployment("c", v1, v2, canarySteps, { 0: 10, 1: 11 }, { status: "running", finishedAt: null });
    const pending = deployment("p", v2, v3, buildSteps("immediate", {}), {}, { status: "pending", startedAt: null, finishedAt: null, createdAt: t(12) });
    const ps = routingPeriods({ createdAt: t(0), live: running.fromRouting, deployments: [immediate("d1", EMPTY_ROUTING, v1, 5), running, pending] });
    expect(summary(ps).at(-1)).toEqual(["c.1", "canary_step", "credit-v1:90 credit-v2:10:canary", iso(11), null]);
    expect(ps).toHaveLength(2);
  });

  it("starts with what served before any recorded deployment, from the endpoint's creation", () => {
    const ps = routingPeriods({ createdAt: t(0), live: v2, deployments: [immediate("d1", v1, v2, 10)] });
    expect(summary(ps)).toEqual([
      ["initial", "initial", "credit-v1:100", iso(0), iso(10)],
      ["d1.1", "switch", "credit-v2:100", iso(10), null],
    ]);
    expect(summary(routingPeriods({ createdAt: t(0), live: v1, deployments: [] }))).toEqual([["initial", "initial", "credit-v1:100", iso(0), null]]);
    expect(routingPeriods({ createdAt: t(0), live: EMPTY_ROUTING, deployments: [] })).toEqual([]);
  });

  it("leaves out a time when nothing answered (a first canary rolled back to an empty routing), ending the entry before it", () => {
    const d = deployment("c", EMPTY_ROUTING, v1, canarySteps, { 0: 10, 1: 11, 2: "failed" }, { status: "rolled_back", finishedAt: t(14) });
    const ps = routingPeriods({ createdAt: t(0), live: EMPTY_ROUTING, deployments: [d, immediate("d2", EMPTY_ROUTING, v2, 20)] });
    expect(summary(ps)).toEqual([
      ["c.1", "canary_step", "credit-v1:100", iso(11), iso(14)], // no old variant to keep: the first shift serves the target
      ["d2.1", "switch", "credit-v2:100", iso(20), null],
    ]);
    expect(periodAt(ps, t(15))).toBeNull();
  });

  it("keeps shadows in the routing they were part of", () => {
    const withShadow = routing([variant(1, 100), variant(2, 0, { role: "shadow" })]);
    const [p] = routingPeriods({ createdAt: t(0), live: withShadow, deployments: [immediate("d1", EMPTY_ROUTING, withShadow, 5)] });
    expect(p.routing.variants.map((v) => v.role)).toEqual(["primary", "shadow"]);
  });

  it("falls back to the deployment's finish time for a step done without one (rows written before steps had times)", () => {
    const d = immediate("d1", EMPTY_ROUTING, v1, 5);
    d.steps = d.steps.map((s) => ({ ...s, finishedAt: undefined }));
    d.finishedAt = t(7);
    expect(routingPeriods({ createdAt: t(0), live: v1, deployments: [d] })[0].from).toEqual(t(7));
  });
});

describe("periodAt", () => {
  const ps = routingPeriods({ createdAt: t(0), live: v2, deployments: [immediate("d1", EMPTY_ROUTING, v1, 10), immediate("d2", v1, v2, 20)] });

  it("answers the routing in force at a moment: from is included, until is not", () => {
    expect(periodAt(ps, t(10))?.key).toBe("d1.1");
    expect(periodAt(ps, t(19.99))?.key).toBe("d1.1");
    expect(periodAt(ps, t(20))?.key).toBe("d2.1");
    expect(periodAt(ps, t(10_000))?.key).toBe("d2.1");
  });

  it("answers null before anything served", () => {
    expect(periodAt(ps, t(9))).toBeNull();
  });
});
