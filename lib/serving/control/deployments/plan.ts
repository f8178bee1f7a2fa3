// What a deployment does, step by step, and the routing in force at each canary step.
import { z } from "zod";
import { dbInt } from "../../../db/stored-values";
import type { Routing, Variant } from "../../shared/routing";
import type { DeploymentStrategy } from "../../shared/deployment-status";
import { addedVariants } from "../../shared/new-variants";

/** Requests each new variant needs in each canary step before its guardrails are judged. */
export const DEFAULT_MIN_REQUESTS = 100;
/** How long, after its bake, a canary step waits for `minRequests` before it fails. */
export const DEFAULT_MAX_WAIT_SECONDS = 600;

export const canaryPlanSchema = z.object({
  steps: z.array(z.number().gt(0).lt(100)).min(1).max(10).default([10, 50]),
  bakeSeconds: z.number().min(0).max(24 * 3600).default(60),
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  maxP95Ms: z.number().positive().default(500),
  /** requests each new variant must have served in a bake before it is judged (0: judge on any traffic, even none) */
  minRequests: dbInt.min(0).default(DEFAULT_MIN_REQUESTS)
    .describe("requests each new variant must serve in a step before its guardrails are judged (0: judge on any traffic, even none)"),
  /**
   * how long a bake that has not seen `minRequests` for every new variant by its end waits for them;
   * then it fails, and the deployment rolls back: a canary never passes on silence
   */
  maxWaitSeconds: z.number().min(0).max(24 * 3600).default(DEFAULT_MAX_WAIT_SECONDS)
    .describe("how long a step whose bake ended short of minRequests waits for traffic before it rolls back: not enough traffic to judge (n of m)"),
});
export const blueGreenPlanSchema = z.object({ rollbackWindowSeconds: z.number().min(0).max(24 * 3600).default(300) });

/** What a canary or blue-green plan is when the request leaves a setting out (the split editor shows these). */
export const CANARY_DEFAULTS: Readonly<z.infer<typeof canaryPlanSchema>> = canaryPlanSchema.parse({});
export const BLUE_GREEN_DEFAULTS: Readonly<z.infer<typeof blueGreenPlanSchema>> = blueGreenPlanSchema.parse({});

export type CanaryPlan = z.infer<typeof canaryPlanSchema>;
/** The stored shape of `Deployment.plan`. */
export const planSchema = z.object({ canary: canaryPlanSchema.optional(), blueGreen: blueGreenPlanSchema.optional() });
export type Plan = z.infer<typeof planSchema>;

export const STEP_KINDS = ["place", "verify", "shift", "bake", "switch", "keep_warm", "cleanup"] as const;
export type StepKind = (typeof STEP_KINDS)[number];
export const STEP_STATUSES = ["pending", "running", "done", "failed"] as const;

/** The stored shape of `Deployment.steps`. */
export const stepSchema = z.object({
  kind: z.enum(STEP_KINDS),
  percent: z.number().optional(),
  seconds: z.number().optional(),
  status: z.enum(STEP_STATUSES),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  detail: z.string().optional(),
});
export const stepsSchema = z.array(stepSchema);
export type Step = z.infer<typeof stepSchema>;

export function buildSteps(strategy: DeploymentStrategy, plan: Plan): Step[] {
  const s = (kind: StepKind, extra: Partial<Step> = {}): Step => ({ kind, status: "pending", ...extra });
  if (strategy === "immediate") return [s("place"), s("switch"), s("cleanup")];
  if (strategy === "blue_green") return [s("place"), s("verify"), s("switch"), s("keep_warm", { seconds: plan.blueGreen?.rollbackWindowSeconds ?? 300 }), s("cleanup")];
  const c = plan.canary!;
  return [s("place"), ...c.steps.flatMap((p) => [s("shift", { percent: p }), s("bake", { percent: p, seconds: c.bakeSeconds })]), s("switch"), s("cleanup")];
}

/** Variants of `to` that are not already serving in `from`: the ones a canary tests. */
export function newVariants(from: Routing, to: Routing): Variant[] {
  return addedVariants(from.variants, to.variants, (v) => v.versionId);
}

/** The routing with `percent` of traffic on the new variants and the rest on the old serving ones. */
export function canaryRouting(from: Routing, to: Routing, percent: number): Routing {
  const fresh = newVariants(from, to);
  const freshIds = new Set(fresh.map((v) => v.versionId));
  const old = from.variants.filter((v) => v.role !== "shadow" && v.weight > 0 && !freshIds.has(v.versionId));
  if (!fresh.length || !old.length) return to;
  const scale = (vs: Variant[], share: number) => {
    const total = vs.reduce((a, v) => a + v.weight, 0);
    return vs.map((v) => ({ ...v, weight: Number(((v.weight / total) * share).toFixed(3)) }));
  };
  return {
    sticky: to.sticky,
    variants: [...scale(old, 100 - percent).map((v) => ({ ...v, role: "primary" as const })), ...scale(fresh, percent).map((v) => ({ ...v, role: "canary" as const })), ...to.variants.filter((v) => v.role === "shadow")],
  };
}
