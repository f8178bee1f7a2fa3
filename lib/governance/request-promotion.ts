// Opens a promotion: resolves what it would change, takes the evidence, runs the policy's checks,
// and records it as blocked (a check failed) or waiting for approval — or approved at once when
// the policy asks for no approvals. Nothing is deployed here: a deployment row exists only once the
// promotion is approved and starts (start-promotion.ts), so the reconciler can never run it early.
import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { AppError } from "../errors";
import { toJson } from "../db/json";
import { newVariants } from "../serving/control/deployments/plan";
import { collectEvidence, promotedVariants } from "./collect-evidence";
import { hashEvidence } from "./evidence";
import { readPolicy } from "./read-policy";
import { resolveTarget, targetKey, type PromotionInput } from "./resolve-target";
import { transition } from "./transition";
import { OPEN_STATUSES } from "./promotion-status";
import { getPromotion } from "./get-promotion";
import { afterCommit } from "./after-commit";
import { startAfterApproval } from "./start-promotion";

export async function requestPromotion(opts: { db: Db; redisUrl: string; principal: Principal; input: PromotionInput; fieldPrefix?: string; now?: Date; inlineMaxModelMb?: number }) {
  const { db, principal, input } = opts;
  const now = opts.now ?? new Date();
  ensureCan(principal, "promotion.request");
  const target = await resolveTarget(db, principal.teamId, input, opts.fieldPrefix, opts.inlineMaxModelMb);
  const policy = await readPolicy(db, principal.teamId, target.environment);
  const { rules } = policy;
  if (target.kind === "traffic" && rules.requiredStrategy && newVariants(target.plan.live, target.plan.to).length && target.request.strategy !== rules.requiredStrategy) {
    throw new AppError("bad_request", `the ${target.environment} policy asks for the ${rules.requiredStrategy} strategy when a new version comes in`, { field: `${opts.fieldPrefix ?? "traffic."}strategy` });
  }
  const evidence = await collectEvidence({ db, target, policy });
  const passed = evidence.checks.every((c) => c.passed);
  const actor = actorOf(principal);
  const onBehalfOf = principal.kind === "token" ? (await db.apiToken.findUnique({ where: { id: principal.id }, select: { createdBy: true } }))?.createdBy ?? null : null;
  const key = targetKey(target);

  const { id, deliveries } = await db.$transaction(async (tx) => {
    // the target's row lock: two requests for one target queue here, and the second sees the first
    if (target.kind === "traffic") await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${target.endpoint.id} FOR UPDATE`;
    else await tx.$queryRaw`SELECT id FROM "Model" WHERE id = ${target.model.id} FOR UPDATE`;
    const open = await tx.promotion.findFirst({ where: { target: key, status: { in: [...OPEN_STATUSES] } }, select: { id: true, status: true } });
    if (open) throw new AppError("conflict", `promotion ${open.id} is already ${open.status} for this ${target.kind === "traffic" ? "endpoint" : "alias"}; cancel it or wait for it to finish`);
    if (target.kind === "traffic") {
      const e = await tx.endpoint.findUniqueOrThrow({ where: { id: target.endpoint.id }, select: { routingVersion: true } });
      if (e.routingVersion !== target.endpoint.routingVersion) throw new AppError("conflict", `the live routing of "${target.endpoint.name}" changed while the promotion was checked; ask again`);
    }
    const p = await tx.promotion.create({
      data: {
        teamId: principal.teamId, kind: target.kind, status: "checking", target: key, environment: target.environment,
        endpointId: target.kind === "traffic" ? target.endpoint.id : null,
        modelId: target.kind === "alias" ? target.model.id : null,
        alias: target.kind === "alias" ? target.alias : null,
        versionId: target.kind === "alias" ? target.version.id : (promotedVariants(target.plan.live, target.plan.to)[0]?.versionId ?? null),
        request: toJson(target.kind === "traffic" ? target.request : { alias: target.alias, version: target.version.number }),
        reason: input.reason ?? "",
        evidence: toJson(evidence),
        evidenceHash: hashEvidence(evidence),
        requiredApprovals: rules.requiredApprovals,
        requestedByType: actor.type, requestedById: actor.id, requestedBy: actor.label, onBehalfOf,
        expiresAt: new Date(now.getTime() + rules.expiryHours * 3600_000),
        createdAt: now,
      },
    });
    const deliveries: string[] = [];
    const audit = { kind: target.kind, target: key, reason: input.reason ?? "", evidenceHash: p.evidenceHash, policyRevision: policy.revision };
    if (!passed) {
      const failed = evidence.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`).join("; ");
      deliveries.push(...(await transition(tx, { id: p.id, from: "checking", to: "blocked", actor, reason: `a check failed: ${failed}`, audit, now })));
    } else {
      deliveries.push(...(await transition(tx, { id: p.id, from: "checking", to: "pending_approval", actor, audit, now })));
      if (rules.requiredApprovals === 0) deliveries.push(...(await transition(tx, { id: p.id, from: "pending_approval", to: "approved", actor, reason: "the policy asks for no approvals", now })));
    }
    return { id: p.id, deliveries };
  });
  await afterCommit({ redisUrl: opts.redisUrl, deliveries });
  if (passed && rules.requiredApprovals === 0) await startAfterApproval({ db, redisUrl: opts.redisUrl, promotionId: id, actor, now, inlineMaxModelMb: opts.inlineMaxModelMb });
  return getPromotion({ db, teamId: principal.teamId, id });
}
