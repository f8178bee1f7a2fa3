import type { Db } from "../../db/client";
import { notFound } from "../../errors";
import { findEndpoint } from "../../serving/control/endpoints/read-endpoints";
import { decodeCursor, encodeCursor } from "../../registry/list-cursor";
import { toDriftReportView } from "./drift-report-view";

export async function getDriftReport(opts: { db: Db; teamId: string; id: string }) {
  const r = await opts.db.driftReport.findFirst({ where: { id: opts.id, teamId: opts.teamId } });
  if (!r) throw notFound(`drift report "${opts.id}"`);
  const e = await opts.db.endpoint.findUniqueOrThrow({ where: { id: r.endpointId }, select: { name: true } });
  return toDriftReportView(r, e.name, { histograms: true });
}

/** Newest first, by cursor. */
export async function listDriftReports(opts: { db: Db; teamId: string; endpointName: string; limit: number; cursor?: string }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.endpointName);
  const after = opts.cursor ? decodeCursor(opts.cursor, "created") : null;
  const at = after ? new Date(String(after.k)) : null;
  const rows = await opts.db.driftReport.findMany({
    where: { endpointId: e.id, ...(after && at ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: String(after.t) } }] } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: opts.limit + 1,
  });
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    endpoint: e.name,
    reports: page.map((r) => toDriftReportView(r, e.name)),
    nextCursor: rows.length > opts.limit && last ? encodeCursor({ s: "created", k: last.createdAt.toISOString(), t: last.id }) : null,
  };
}

/** The last finished report of an endpoint (the endpoint page's drift share). */
export async function lastDriftReport(db: Db, endpointId: string) {
  return db.driftReport.findFirst({ where: { endpointId, status: "succeeded" }, orderBy: { finishedAt: "desc" } });
}

/** Every endpoint's last finished report's share (the Prometheus gauge and the drift_share alert metric). */
export async function lastDriftShares(db: Db): Promise<{ endpointId: string; endpoint: string; share: number; finishedAt: Date }[]> {
  return db.$queryRaw<{ endpointId: string; endpoint: string; share: number; finishedAt: Date }[]>`
    SELECT DISTINCT ON (r."endpointId") r."endpointId", e.name AS endpoint, r.share, r."finishedAt"
    FROM "DriftReport" r JOIN "Endpoint" e ON e.id = r."endpointId"
    WHERE r.status = 'succeeded' AND r.share IS NOT NULL
    ORDER BY r."endpointId", r."finishedAt" DESC`;
}
