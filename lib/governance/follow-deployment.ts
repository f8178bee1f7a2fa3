// A promotion follows the deployment that carries it out: called inside the transaction that
// finishes the deployment, so the two never disagree.
import type { Prisma } from "../db/client";
import { SYSTEM_ACTOR } from "../auth/principal";
import type { FinishedStatus } from "../serving/shared/deployment-status";
import { transition } from "./transition";

const OUTCOME = { succeeded: "deployed", failed: "failed", rolled_back: "rolled_back" } as const;

/** Returns the deliveries to queue after commit (none when no promotion carries this deployment). */
export async function followDeployment(tx: Prisma.TransactionClient, d: { id: string; status: FinishedStatus; error?: string; rollbackReason?: string }): Promise<string[]> {
  const p = await tx.promotion.findUnique({ where: { deploymentId: d.id }, select: { id: true, status: true } });
  if (!p || p.status !== "deploying") return [];
  const to = OUTCOME[d.status];
  const reason = d.status === "succeeded" ? `deployment ${d.id} succeeded` : d.status === "rolled_back" ? `rolled back: ${d.rollbackReason ?? "guardrails"}` : `deployment failed: ${d.error ?? "unknown error"}`;
  return transition(tx, { id: p.id, from: "deploying", to, actor: SYSTEM_ACTOR, reason, audit: { deployment: d.id } });
}
