// Writes an incident's firing or resolve notification into the delivery outbox, inside the
// transaction that changed the incident: the notification exists if and only if the change does.
import type { Prisma } from "../db/client";
import { emitEvent } from "../notifications/emit-event";
import { alertEventData, alertEventId, type AlertRuleFacts, type IncidentFacts } from "./alert-event";

export async function notifyIncident(tx: Prisma.TransactionClient, opts: { teamId: string; rule: AlertRuleFacts; incident: IncidentFacts; status: "firing" | "resolved"; now: Date }): Promise<string[]> {
  return emitEvent(tx, {
    teamId: opts.teamId,
    type: opts.status === "firing" ? "alert.firing" : "alert.resolved",
    eventId: alertEventId(opts.incident.id, opts.status),
    channelIds: opts.rule.channelIds,
    data: alertEventData(opts.rule, opts.incident, opts.status),
    now: opts.now,
  });
}
