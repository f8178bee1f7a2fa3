// A team's audit for auditors, oldest first, read a page at a time: JSON Lines (one event per line,
// what an offline check of the chain reads) or CSV (for spreadsheets). Every line carries seq,
// prevHash and hash; README "Audit" shows how to re-compute the chain from the JSON Lines.
import type { Db, Prisma } from "../db/client";
import { csvLine } from "./csv-cell";

const PAGE = 1000;

export const AUDIT_EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const AUDIT_EXPORT_COLUMNS = [
  "seq", "id", "createdAt", "teamId", "actorType", "actorId", "actorLabel", "action", "resourceType", "resourceId", "before", "after", "prevHash", "hash",
] as const;

type Row = Prisma.AuditEventGetPayload<object>;

const exported = (r: Row) => ({
  seq: r.seq, id: r.id, createdAt: r.createdAt.toISOString(), teamId: r.teamId,
  actorType: r.actorType, actorId: r.actorId, actorLabel: r.actorLabel, action: r.action, resourceType: r.resourceType, resourceId: r.resourceId,
  before: r.before, after: r.after, prevHash: r.prevHash, hash: r.hash,
});

function line(format: AuditExportFormat, r: Row): string {
  const e = exported(r);
  if (format === "jsonl") return `${JSON.stringify(e)}\n`;
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  return csvLine(AUDIT_EXPORT_COLUMNS.map((c) => (c === "before" || c === "after" ? json(e[c]) : e[c])));
}

/**
 * The export's text, a page of events per chunk: the chain in seq order, then any events written
 * around the chain (no seq; `audit verify` reports them), by id.
 */
export async function* exportAudit(opts: { db: Db; teamId: string; format: AuditExportFormat; pageSize?: number }): AsyncGenerator<string> {
  const { db, teamId, format } = opts;
  const take = opts.pageSize ?? PAGE;
  if (format === "csv") yield csvLine([...AUDIT_EXPORT_COLUMNS]);
  let lastSeq = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { teamId, seq: { gt: lastSeq } }, orderBy: { seq: "asc" }, take });
    if (rows.length) yield rows.map((r) => line(format, r)).join("");
    if (rows.length < take) break;
    lastSeq = rows[rows.length - 1].seq!;
  }
  let after: string | undefined;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { teamId, seq: null }, orderBy: { id: "asc" }, take, ...(after ? { cursor: { id: after }, skip: 1 } : {}) });
    if (rows.length) yield rows.map((r) => line(format, r)).join("");
    if (rows.length < take) break;
    after = rows[rows.length - 1].id;
  }
}
