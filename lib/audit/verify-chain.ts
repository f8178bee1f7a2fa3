import type { Db } from "../db/client";
import { eventHash } from "./chain";
import type { ChainFault } from "./chain-faults";

const PAGE = 1000;

export type ChainReport = {
  ok: boolean;
  /** events that verified, in seq order, before the first that does not */
  events: number;
  /** the last verified event: recorded elsewhere, it shows later that nothing was cut off the end */
  head: { seq: number; hash: string } | null;
  firstBad: { id: string; seq: number | null; reason: ChainFault } | null;
};

/**
 * Walks a team's chain (teamId null: the chain of the events of no team) in seq order, a page at
 * a time, re-computing every hash; stops at the first event that does not verify.
 */
export async function verifyChain(opts: { db: Db; teamId: string | null; pageSize?: number }): Promise<ChainReport> {
  const { db, teamId } = opts;
  const take = opts.pageSize ?? PAGE;
  let events = 0;
  let lastSeq = 0;
  let lastHash: string | null = null;
  const head = () => (lastHash === null ? null : { seq: lastSeq, hash: lastHash });
  const bad = (id: string, seq: number | null, reason: ChainFault): ChainReport => ({ ok: false, events, head: head(), firstBad: { id, seq, reason } });
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { teamId, seq: { gt: lastSeq } }, orderBy: { seq: "asc" }, take });
    for (const row of rows) {
      const seq = row.seq!;
      if (seq !== lastSeq + 1) return bad(row.id, seq, "gap");
      if (row.prevHash !== lastHash) return bad(row.id, seq, "broken link");
      const hash = eventHash(row.prevHash, { ...row, seq });
      if (row.hash !== hash) return bad(row.id, seq, "hash mismatch");
      events++;
      lastSeq = seq;
      lastHash = hash;
    }
    if (rows.length < take) break;
  }
  const stray = await db.auditEvent.findFirst({ where: { teamId, seq: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  if (stray) return bad(stray.id, null, "unchained");
  return { ok: true, events, head: head(), firstBad: null };
}
