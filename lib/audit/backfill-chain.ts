// Chains the audit events written before the chain existed (no seq, no hash), oldest first, after
// whatever their team's chain already holds. The migrator runs it after every migration run; once
// the old events are chained it finds nothing to do. The hash is computed here, in TypeScript, with
// the same canonical JSON recordAudit uses, which SQL could not reproduce exactly.
import type { Db } from "../db/client";
import { eventHash } from "./chain";
import { chainTail, lockChain } from "./record-audit";

const BATCH = 500;

/** Returns how many events it chained. */
export async function backfillAuditChain(db: Db): Promise<number> {
  let chained = 0;
  for (;;) {
    const next = await db.auditEvent.findFirst({ where: { hash: null, seq: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { teamId: true } });
    if (!next) return chained;
    chained += await db.$transaction(async (tx) => {
      // The append-only trigger lets this transaction fill seq, prevHash and hash of rows that have
      // no hash yet, and nothing else (see the audit_append_only migration).
      await tx.$queryRaw`SELECT set_config('switchyard.audit_backfill', 'on', true)`;
      await lockChain(tx, next.teamId);
      let tail = await chainTail(tx, next.teamId);
      const rows = await tx.auditEvent.findMany({ where: { teamId: next.teamId, hash: null, seq: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: BATCH });
      for (const row of rows) {
        const seq = (tail?.seq ?? 0) + 1;
        const prevHash = tail?.hash ?? null;
        const hash = eventHash(prevHash, { ...row, seq });
        await tx.auditEvent.update({ where: { id: row.id }, data: { seq, prevHash, hash } });
        tail = { seq, hash };
      }
      return rows.length;
    }, { timeout: 120_000 });
  }
}
