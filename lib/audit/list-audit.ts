import type { Db } from "../db/client";

export async function listAudit(opts: {
  db: Db;
  teamId: string;
  action?: string;
  resourceType?: string;
  actor?: string;
  before?: string;
  limit: number;
}) {
  const rows = await opts.db.auditEvent.findMany({
    where: {
      teamId: opts.teamId,
      ...(opts.action ? { action: { startsWith: opts.action } } : {}),
      ...(opts.resourceType ? { resourceType: opts.resourceType } : {}),
      ...(opts.actor ? { actorLabel: { contains: opts.actor, mode: "insensitive" as const } } : {}),
      ...(opts.before ? { createdAt: { lt: new Date(opts.before) } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  return {
    events: page.map((e) => ({
      id: e.id,
      actorType: e.actorType,
      actorLabel: e.actorLabel,
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      before: e.before,
      after: e.after,
      createdAt: e.createdAt.toISOString(),
    })),
    nextBefore: rows.length > opts.limit ? page[page.length - 1].createdAt.toISOString() : null,
  };
}
