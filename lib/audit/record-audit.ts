import type { Db, Prisma } from "../db/client";
import type { Actor } from "../auth/principal";

type Tx = Pick<Db, "auditEvent">;

/** Appends an audit event. Call it inside the transaction that makes the change, so both land or neither. */
export async function recordAudit(
  tx: Tx,
  e: { teamId: string | null; actor: Actor; action: string; resourceType: string; resourceId: string; before?: unknown; after?: unknown },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      teamId: e.teamId,
      actorType: e.actor.type,
      actorId: e.actor.id,
      actorLabel: e.actor.label,
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      before: (e.before ?? undefined) as Prisma.InputJsonValue | undefined,
      after: (e.after ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}
