import type { Db, Prisma } from "../db/client";
import type { Actor } from "../auth/principal";
import { AUDIT_LOCK_NAMESPACE, NO_TEAM_CHAIN, asStoredJson, eventHash } from "./chain";

/** A transaction (what most callers pass) or the plain client (then the append gets a transaction of its own). */
export type AuditWriter = Prisma.TransactionClient | Db;
type Tx = Prisma.TransactionClient;

export type AuditInput = { teamId: string | null; actor: Actor; action: string; resourceType: string; resourceId: string; before?: unknown; after?: unknown };

// A transaction client has no $connect (Prisma leaves it out of interactive transactions).
const isPlainClient = (w: AuditWriter): w is Db => typeof (w as Partial<Db>).$connect === "function";

/**
 * Takes the chain's lock for the rest of the transaction: appends to one team's chain happen one
 * after the other, so two writers never read the same tail (no fork, no duplicate seq).
 */
export async function lockChain(tx: Tx, teamId: string | null): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_NAMESPACE}::int4, hashtext(${teamId ?? NO_TEAM_CHAIN}))::text AS locked`;
}

/** The last chained event of a team's chain (null: the chain is empty). */
export async function chainTail(tx: Tx, teamId: string | null): Promise<{ seq: number; hash: string } | null> {
  const last = await tx.auditEvent.findFirst({ where: { teamId, seq: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  return last ? { seq: last.seq!, hash: last.hash ?? "" } : null;
}

async function append(tx: Tx, e: AuditInput): Promise<void> {
  await lockChain(tx, e.teamId);
  const tail = await chainTail(tx, e.teamId);
  // Set here, after the lock, so createdAt follows seq; milliseconds, as the column keeps them.
  const createdAt = new Date();
  const before = asStoredJson(e.before);
  const after = asStoredJson(e.after);
  const fields = {
    teamId: e.teamId, seq: (tail?.seq ?? 0) + 1,
    actorType: e.actor.type, actorId: e.actor.id, actorLabel: e.actor.label,
    action: e.action, resourceType: e.resourceType, resourceId: e.resourceId, before, after, createdAt,
  };
  const prevHash = tail?.hash ?? null;
  await tx.auditEvent.create({
    data: {
      ...fields,
      before: (before ?? undefined) as Prisma.InputJsonValue | undefined,
      after: (after ?? undefined) as Prisma.InputJsonValue | undefined,
      prevHash,
      hash: eventHash(prevHash, fields),
    },
  });
}

/**
 * Appends an audit event to its team's hash chain. Call it inside the transaction that makes the
 * change, so both land or neither; the chain's lock is then held until that transaction ends, so
 * call it late in the transaction. Given the plain client, it appends in a transaction of its own.
 */
export async function recordAudit(w: AuditWriter, e: AuditInput): Promise<void> {
  if (isPlainClient(w)) await w.$transaction((tx) => append(tx, e));
  else await append(w, e);
}
