// Carries out a deployment step by step. Each step is recorded before and after it runs and
// every step is safe to repeat, so a job worker killed anywhere resumes (BullMQ re-delivers the
// stalled job) and finishes or rolls back: never a half state.
import type { Redis } from "ioredis";
import type { Db, Prisma } from "../../../db/client";
import { signatureSchema } from "../../../onnx/signature";
import { warmupFeeds } from "../../shared/tensors";
import { asRouting, isInline, type Routing } from "../../shared/routing";
import { checkGuardrails } from "./guardrails";
import { canaryRouting, newVariants, planSchema, stepsSchema, type Plan, type Step } from "./plan";
import { PlacementError, placeVariants, unloadVersions, verifyVariants } from "./placement";
import { announceRouting, writeRouting } from "./switch-routing";
import { waitForInline } from "./wait-inline";
import { closeDeployment, DeploymentAborted } from "./close-deployment";
import { readJson, toJson } from "../../../db/json";
import { queueDeliveries } from "../../../notifications/queue-deliveries";
import { DeploymentStatus, isFinished, type FinishedStatus } from "../../shared/deployment-status";
import { variantsInUse } from "../../shared/variants-in-use";

export type RunnerDeps = {
  db: Db;
  redis: Redis;
  /** signs calls to inference workers and checks their heartbeats */
  clusterSecret: string;
  sleep?: (ms: number) => Promise<void>;
  log?: (msg: string, extra?: object) => void;
  /** wait for the prediction log to reach the rollups before judging a bake */
  ingestLagMs?: number;
  /** time between a switch and unloading what is no longer routed, for in-flight requests */
  drainMs?: number;
  /** while a bake waits for enough traffic to judge, how often it looks again */
  trafficPollMs?: number;
  /** Redis for queueing the notifications a finished deployment emits (unset: the reconciler queues them) */
  redisUrl?: string;
  /** while it bakes or waits, how often it looks whether someone asked to abort it */
  abortPollMs?: number;
};

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class GuardrailTripped extends Error {}

export async function runDeployment(deps: RunnerDeps, deploymentId: string): Promise<void> {
  const { db } = deps;
  const sleep = deps.sleep ?? realSleep;
  const d0 = await db.deployment.findUnique({ where: { id: deploymentId }, include: { endpoint: true } });
  if (!d0 || isFinished(d0.status)) return; // already finished: a repeated job is a no-op
  if (d0.status === DeploymentStatus.pending) {
    // only from pending: an abort of a deployment that never started marks it finished under the same row
    const started = await db.deployment.updateMany({ where: { id: d0.id, status: DeploymentStatus.pending }, data: { status: "running", startedAt: new Date() } });
    if (!started.count) {
      const now = await db.deployment.findUnique({ where: { id: d0.id }, select: { status: true } });
      if (!now || isFinished(now.status)) return;
    }
  }

  const from = asRouting(d0.fromRouting);
  const to = asRouting(d0.toRouting);
  const plan = readJson(planSchema, d0.plan, "plan");
  const steps = readJson(stepsSchema, d0.steps, "steps");
  const save = (data: Prisma.DeploymentUpdateInput) => db.deployment.update({ where: { id: d0.id }, data: { ...data, steps: toJson(steps) } });
  // An abort is a column the runner reads before each step and all through its sleeps (bakes, waits).
  const checkAbort = async () => {
    const row = await db.deployment.findUnique({ where: { id: d0.id }, select: { abortReason: true } });
    if (row?.abortReason) throw new DeploymentAborted(row.abortReason);
  };
  const watchfulSleep = async (ms: number) => {
    const until = Date.now() + ms;
    for (;;) {
      await checkAbort();
      const left = until - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(left, deps.abortPollMs ?? 1_000));
    }
  };
  const rollBack = async (reason: string) => {
    // after cleanup started, what served before may be unloaded: load it again before routing back to it
    if (steps.some((s) => s.kind === "cleanup" && s.status !== "pending")) {
      await placeVariants({ redis: deps.redis, clusterSecret: deps.clusterSecret, variants: from.variants }).catch((err) => deps.log?.(`deployment ${d0.id}: reloading what served before: ${(err as Error).message}`));
    }
    return finish(deps, d0.id, d0.endpoint.teamId, steps, "rolled_back", { rollbackReason: reason }, from);
  };

  for (let i = d0.currentStep; i < steps.length; i++) {
    const step = steps[i];
    if (step.status !== "running") {
      step.status = "running";
      step.startedAt = new Date().toISOString();
      await save({});
    }
    try {
      await checkAbort();
      const progress = async (detail: string) => {
        step.detail = detail;
        await save({});
      };
      step.detail = await execute(deps, watchfulSleep, { endpointId: d0.endpointId, from, to, plan, step, progress });
    } catch (err) {
      step.status = "failed";
      step.finishedAt = new Date().toISOString();
      step.detail = (err as Error).message;
      if (err instanceof PlacementError) return finish(deps, d0.id, d0.endpoint.teamId, steps, "failed", { error: (err as Error).message }, null);
      if (err instanceof GuardrailTripped) return finish(deps, d0.id, d0.endpoint.teamId, steps, "rolled_back", { rollbackReason: err.message }, from);
      if (err instanceof DeploymentAborted) return rollBack(err.message);
      await save({}); // unexpected: let the queue retry the job from this step
      throw err;
    }
    step.status = "done";
    step.finishedAt = new Date().toISOString();
    // The routing write of a shift/switch and the step's completion land together.
    await db.$transaction(async (tx) => {
      const routing = step.kind === "shift" ? canaryRouting(from, to, step.percent!) : step.kind === "switch" ? to : null;
      if (routing) await writeRouting(tx, d0.endpointId, routing);
      await tx.deployment.update({ where: { id: d0.id }, data: { currentStep: i + 1, steps: toJson(steps) } });
    });
    if (step.kind === "shift" || step.kind === "switch") await announceRouting(deps.redis, d0.endpointId);
    deps.log?.(`deployment ${d0.id}: ${step.kind}${step.percent ? ` ${step.percent}%` : ""} done`);
  }
  try {
    await finish(deps, d0.id, d0.endpoint.teamId, steps, "succeeded", {}, null);
  } catch (err) {
    // asked to abort after its last step: what served before comes back all the same
    if (err instanceof DeploymentAborted) return rollBack(err.message);
    throw err;
  }
}

async function execute(deps: RunnerDeps, sleep: (ms: number) => Promise<void>, ctx: { endpointId: string; from: Routing; to: Routing; plan: Plan; step: Step; progress: (detail: string) => Promise<void> }): Promise<string | undefined> {
  const { step, from, to } = ctx;
  switch (step.kind) {
    case "place": {
      // inline variants: gateways load them (this deployment, in progress, names them); wait until one has
      const placed = {
        ...(await placeVariants({ redis: deps.redis, clusterSecret: deps.clusterSecret, variants: to.variants })),
        ...(await waitForInline({ redis: deps.redis, clusterSecret: deps.clusterSecret, variants: to.variants.filter(isInline), nudge: () => announceRouting(deps.redis, ctx.endpointId) })),
      };
      return Object.entries(placed).map(([v, ws]) => `${v} on ${ws.join(", ")}`).join("; ");
    }
    case "verify": {
      const sigs = await deps.db.modelVersion.findMany({ where: { id: { in: to.variants.map((v) => v.versionId) } }, select: { id: true, signature: true } });
      const byId = new Map(sigs.map((s) => [s.id, readJson(signatureSchema, s.signature, "signature")]));
      // an inline variant was warmed up by its gateways before they reported it ready
      await verifyVariants({ redis: deps.redis, clusterSecret: deps.clusterSecret, variants: to.variants, probe: (v) => warmupFeeds(byId.get(v.versionId)!) });
      return "every new variant answered a request";
    }
    case "shift":
    case "switch":
      return undefined; // the routing write happens with the step's completion
    case "bake": {
      const started = new Date(step.startedAt!);
      const remaining = started.getTime() + step.seconds! * 1000 - Date.now();
      if (remaining > 0) await sleep(remaining);
      await sleep(deps.ingestLagMs ?? 1_500);
      // Judged once the bake is over; while a new variant has served fewer than minRequests, the step
      // waits for traffic (up to maxWaitSeconds past the bake, which a resumed job keeps) and then fails.
      const plan = ctx.plan.canary!;
      const deadline = started.getTime() + (step.seconds! + plan.maxWaitSeconds) * 1000;
      const variants = newVariants(from, to).map((v) => v.name);
      for (;;) {
        const verdict = await checkGuardrails({ db: deps.db, endpointId: ctx.endpointId, variants, since: started, plan });
        if (verdict.status === "pass") return "guardrails passed";
        if (verdict.status === "fail") throw new GuardrailTripped(`canary at ${step.percent}% failed its guardrails: ${verdict.reason}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new GuardrailTripped(`canary at ${step.percent}% failed its guardrails: ${verdict.reason} after its ${step.seconds} s bake and ${plan.maxWaitSeconds} s of waiting`);
        const waiting = `waiting for traffic: ${verdict.reason}`;
        if (step.detail !== waiting) await ctx.progress(waiting);
        await sleep(Math.min(left, deps.trafficPollMs ?? 2_000));
      }
    }
    case "keep_warm": {
      const remaining = new Date(step.startedAt!).getTime() + step.seconds! * 1000 - Date.now();
      if (remaining > 0) await sleep(remaining);
      return `previous versions kept warm for ${step.seconds}s`;
    }
    case "cleanup": {
      await sleep(deps.drainMs ?? 2_000);
      const unused = await unusedVersions(deps.db, from.variants.map((v) => v.versionId));
      await unloadVersions({ redis: deps.redis, clusterSecret: deps.clusterSecret, versionIds: unused });
      return unused.length ? `unloaded ${unused.length} version(s) no endpoint routes to` : "nothing to unload";
    }
  }
}

/** Of `candidates`, the versions that no endpoint routes to, and no deployment in progress is bringing in. */
async function unusedVersions(db: Db, candidates: string[]): Promise<string[]> {
  if (!candidates.length) return [];
  const used = new Set((await variantsInUse(db)).map((v) => v.versionId));
  return [...new Set(candidates)].filter((id) => !used.has(id));
}

async function finish(
  deps: RunnerDeps, id: string, teamId: string, steps: Step[], status: FinishedStatus,
  extra: { error?: string; rollbackReason?: string }, restore: Routing | null,
): Promise<void> {
  const { d, deliveries } = await deps.db.$transaction((tx) => closeDeployment(tx, { id, teamId, steps, status, extra, restore }));
  if (deps.redisUrl) await queueDeliveries({ redisUrl: deps.redisUrl, ids: deliveries });
  if (restore) await announceRouting(deps.redis, d.endpointId);
  if (status !== "succeeded") {
    // a failed or rolled-back deployment may have loaded versions that nothing routes to now
    const loaded = asRouting(d.toRouting).variants.map((v) => v.versionId);
    await unloadVersions({ redis: deps.redis, clusterSecret: deps.clusterSecret, versionIds: await unusedVersions(deps.db, loaded) }).catch(() => {});
  }
  deps.log?.(`deployment ${id}: ${status}`, extra);
}

/** Called when the queue gives up on a job: restore the last good routing and say why. */
export async function failDeployment(deps: RunnerDeps, id: string, reason: string): Promise<void> {
  const d = await deps.db.deployment.findUnique({ where: { id }, include: { endpoint: true } });
  if (!d || isFinished(d.status)) return;
  await finish(deps, id, d.endpoint.teamId, readJson(stepsSchema, d.steps, "steps"), "failed", { error: reason }, asRouting(d.fromRouting));
}
