// A rule of one endpoint of the team, or 404: the team scope is in every query.
import type { Db, Prisma } from "../db/client";
import { notFound } from "../errors";

export async function findAlertRule(db: Db | Prisma.TransactionClient, opts: { teamId: string; endpointId: string; id: string }) {
  const r = await db.alertRule.findFirst({ where: { id: opts.id, teamId: opts.teamId, endpointId: opts.endpointId } });
  if (!r) throw notFound(`alert rule "${opts.id}"`);
  return r;
}
