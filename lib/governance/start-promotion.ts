// Carries out an approved promotion: takes the evidence again and, when it still hashes the same,
// records the deployment (traffic) or moves the alias. A promotion whose endpoint is busy with
// another deployment stays approved; promotions maintenance tries again.
import type { Db } from "../db/client";
import { SYSTEM_ACTOR, type Actor } from "../auth/principal";
import { AppError } from "../errors";
import { readJson } from "../db/json";
import { moveAlias } from "../registry/set-alias";
import { createDeployment, lockEndpointForDeployment } from "../serving/control/deployments/create-deployment";
import { collectEvidence, type PromotionTarget } from "./collect-evidence";
import { describeChange, evidenceSchema, hashEvidence, type Evidence } from "./evidence";
import { lockPolicy, readPolicy } from "./read-policy";
import { targetOfPromotion } from "./resolve-target";
import { transition } from "./transition";
import { afterCommit } from "./after-commit";
import { createLogger } from "../log";

const log = createLogger("promotions");

export type StartOutcome = "deploying" | "deployed" | "waiting" | "stale" | "not_approved";

/**
 * `fresh`: evidence the caller took a moment ago (an approval has just checked it), so it is not taken
 * twice; what could change since is checked again under the locks below.
 */
export async function startPromotion(opts: { db: Db; redisUrl: string; promotionId: string; actor?: Actor; now?: Date; fresh?: Fresh; inlineMaxModelMb?: number }): Promise<StartOutcome> {
  const { db } = opts;
  const actor = opts.actor ?? SYSTEM_ACTOR;
  const p = await db.promotion.findUnique({ where: { id: opts.promotionId } });
  if (!p || p.status !== "approved") return "not_approved";
  const fresh = opts.fresh ?? (await freshEvidence(db, p, opts.inlineMaxModelMb));
  const before = readJson(evidenceSchema, p.evidence, "evidence");
  if (fresh.kind === "gone" || hashEvidence(fresh.evidence) !== p.evidenceHash) {
    const reason = fresh.kind === "gone" ? fresh.reason : describeChange(before, fresh.evidence);
    const deliveries = await db.$transaction((tx) => transition(tx, { id: p.id, from: "approved", to: "stale", actor, reason: `${reason}; its approvals are void: request it again`, now: opts.now }));
    await afterCommit({ redisUrl: opts.redisUrl, deliveries });
    return "stale";
  }
  const target = fresh.target;
  const requester = p.onBehalfOf ?? p.requestedBy;
  const signed = fresh.evidence;
  const result = await db.$transaction(async (tx): Promise<{ outcome: StartOutcome; deliveries: string[]; deploymentId?: string }> => {
    // The promotion's row first, as every other change of a promotion takes it: a cancel at the same
    // moment waits for this (or this for it), never a deadlock between row and audit locks.
    const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM "Promotion" WHERE id = ${p.id} FOR UPDATE`;
    if (row?.status !== "approved") return { outcome: "not_approved", deliveries: [] };
    // What the snapshot could not see change since it was taken, checked under the locks that stop it changing
    await lockPolicy(tx, p.teamId, p.environment);
    const policy = await readPolicy(tx, p.teamId, p.environment);
    if (policy.revision !== signed.policy.revision) throw new AppError("conflict", "the policy changed while the promotion started; it is checked again shortly");
    if (target.kind === "alias") {
      await tx.$queryRaw`SELECT id FROM "Model" WHERE id = ${target.model.id} FOR UPDATE`;
      const now = await tx.alias.findUnique({ where: { modelId_name: { modelId: target.model.id, name: target.alias } }, select: { versionId: true } });
      if ((now?.versionId ?? null) !== (target.current?.id ?? null)) throw new AppError("conflict", `alias "${target.alias}" moved while the promotion started; it is checked again shortly`);
      await moveAlias(tx, { teamId: p.teamId, model: target.model, version: target.version, alias: target.alias, actor, promotionId: p.id });
      const deliveries = await transition(tx, { id: p.id, from: "approved", to: "deploying", actor, now: opts.now });
      deliveries.push(...(await transition(tx, { id: p.id, from: "deploying", to: "deployed", actor, reason: `alias "${target.alias}" now points at v${target.version.number}`, now: opts.now })));
      return { outcome: "deployed", deliveries };
    }
    const active = await lockEndpointForDeployment(tx, target.endpoint.id);
    if (active) return { outcome: "waiting", deliveries: [] };
    const e = await tx.endpoint.findUniqueOrThrow({ where: { id: target.endpoint.id }, select: { routingVersion: true } });
    if (e.routingVersion !== target.endpoint.routingVersion) throw new AppError("conflict", "the live routing changed while the promotion started; it is checked again shortly");
    const { live, to, plan } = target.plan;
    const d = await createDeployment(tx, {
      teamId: p.teamId, endpoint: target.endpoint, strategy: target.request.strategy, plan, live, to, actor, promotionId: p.id,
      reason: [p.reason, `promotion ${p.id}`].filter(Boolean).join(" — "), createdBy: requester,
    });
    const deliveries = await transition(tx, { id: p.id, from: "approved", to: "deploying", actor, extra: { deploymentId: d.id }, audit: { deployment: d.id }, now: opts.now });
    return { outcome: "deploying", deliveries, deploymentId: d.id };
  });
  await afterCommit({ redisUrl: opts.redisUrl, deliveries: result.deliveries, deploymentId: result.deploymentId });
  return result.outcome;
}

export type Fresh = { kind: "ok"; target: PromotionTarget; evidence: Evidence } | { kind: "gone"; reason: string };

/**
 * The evidence as it is now; a target that can no longer be resolved (a version gone, an invalid split) is a change too.
 * `inlineMaxModelMb`: the INLINE_MAX_MODEL_MB the promotion was asked under, so that an inline variant it allowed is not refused later.
 */
export async function freshEvidence(db: Db, p: { teamId: string; kind: string; endpointId: string | null; modelId: string | null; request: unknown; environment: "staging" | "production" }, inlineMaxModelMb?: number): Promise<Fresh> {
  try {
    const target = await targetOfPromotion(db, p, inlineMaxModelMb);
    const policy = await readPolicy(db, p.teamId, target.environment);
    return { kind: "ok", target, evidence: await collectEvidence({ db, target, policy }) };
  } catch (err) {
    if (err instanceof AppError) return { kind: "gone", reason: `the change cannot be made as requested any more: ${err.message}` };
    throw err;
  }
}

/**
 * Starts a promotion whose approval has just committed. The approval stands whatever happens here: a
 * start that cannot go ahead now (the routing moved a moment ago, a lock timed out) is left to promotions
 * maintenance, which tries again, and the caller still answers with the approved promotion.
 */
export async function startAfterApproval(opts: Parameters<typeof startPromotion>[0]): Promise<StartOutcome | "retry"> {
  try {
    return await startPromotion(opts);
  } catch (err) {
    log.warn({ promotion: opts.promotionId, err: (err as Error).message }, "promotion approved; its start is left to promotions maintenance");
    return "retry";
  }
}
