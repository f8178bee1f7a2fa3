import type { Db } from "../db/client";
import type { IncidentState } from "../generated/prisma/enums";
import { toIncidentView } from "./alert-views";

/** The team's incidents, newest first: open ones (pending, firing) and history (resolved). */
export async function listIncidents(opts: { db: Db; teamId: string; state?: IncidentState; endpointName?: string; ruleId?: string; limit?: number }) {
  const rows = await opts.db.alertIncident.findMany({
    where: {
      teamId: opts.teamId,
      ...(opts.state ? { state: opts.state } : {}),
      ...(opts.ruleId ? { ruleId: opts.ruleId } : {}),
      ...(opts.endpointName ? { rule: { endpoint: { name: opts.endpointName, teamId: opts.teamId } } } : {}),
    },
    orderBy: { startedAt: "desc" },
    take: opts.limit ?? 100,
    include: { rule: { select: { name: true, endpoint: { select: { name: true } } } } },
  });
  return { incidents: rows.map((i) => toIncidentView(i, { rule: i.rule.name, endpoint: i.rule.endpoint.name })) };
}
