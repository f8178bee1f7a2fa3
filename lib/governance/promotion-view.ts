// What the API and the pages show of a promotion.
import type { Prisma } from "../db/client";
import { readJson } from "../db/json";
import { evidenceSchema } from "./evidence";

export const PROMOTION_INCLUDE = {
  approvals: { orderBy: { createdAt: "asc" } },
  deployment: { select: { id: true, status: true, strategy: true, rollbackReason: true, error: true } },
  endpoint: { select: { name: true } },
} as const satisfies Prisma.PromotionInclude;

type Row = Prisma.PromotionGetPayload<{ include: typeof PROMOTION_INCLUDE }>;

export function toPromotionView(p: Row) {
  const evidence = readJson(evidenceSchema, p.evidence, "evidence");
  const candidate = evidence.candidates[0] ?? null;
  return {
    id: p.id,
    kind: p.kind,
    status: p.status,
    statusReason: p.statusReason,
    environment: p.environment,
    endpoint: p.endpoint?.name ?? null,
    model: candidate?.model ?? (evidence.target.kind === "alias" ? evidence.target.model : evidence.champion?.model ?? null),
    version: candidate?.version ?? (evidence.target.kind === "alias" ? evidence.target.requested : null),
    alias: p.alias,
    request: p.request as Record<string, unknown>,
    reason: p.reason,
    requestedBy: p.requestedBy,
    onBehalfOf: p.onBehalfOf,
    requiredApprovals: p.requiredApprovals,
    approvals: p.approvals.map((a) => ({
      by: a.userLabel, decision: a.decision, comment: a.comment, via: a.via, evidenceHash: a.evidenceHash,
      at: a.createdAt.toISOString(), voided: a.voidedAt !== null,
    })),
    evidence,
    evidenceHash: p.evidenceHash,
    deployment: p.deployment ? { id: p.deployment.id, status: p.deployment.status, strategy: p.deployment.strategy, rollbackReason: p.deployment.rollbackReason, error: p.deployment.error } : null,
    expiresAt: p.expiresAt.toISOString(),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    finishedAt: p.finishedAt?.toISOString() ?? null,
  };
}
export type PromotionView = ReturnType<typeof toPromotionView>;
