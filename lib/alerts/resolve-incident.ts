// Resolves a rule's open incident inside the caller's transaction: when its condition stopped
// holding (the evaluator), or when the rule is deleted or disabled (nothing would ever resolve it
// then, and a PagerDuty incident would stay open). A pending incident that never fired is removed:
// nothing was announced, so there is nothing to take back (Prometheus drops such alerts too).
// Conditional on the state it was read in, so two cycles never resolve one incident twice.
import type { Prisma } from "../db/client";
import type { AlertRuleFacts } from "./alert-event";
import { notifyIncident } from "./notify-incident";

type Open = { id: string; state: "pending" | "firing" | "resolved"; dedupKey: string; startedAt: Date; firingAt: Date | null; valueAtFire: number | null; peakValue: number | null; notifiedFiring: boolean };

/** Returns the deliveries to queue after commit. */
export async function resolveIncident(tx: Prisma.TransactionClient, opts: { teamId: string; rule: AlertRuleFacts; incident: Open; value: number | null; now: Date }): Promise<string[]> {
  const { incident, now } = opts;
  if (incident.state === "pending") {
    await tx.alertIncident.deleteMany({ where: { id: incident.id, state: "pending" } });
    return [];
  }
  if (incident.state !== "firing") return [];
  const done = await tx.alertIncident.updateMany({
    where: { id: incident.id, state: "firing" },
    data: { state: "resolved", openFor: null, resolvedAt: now, valueAtResolve: opts.value, lastValue: opts.value, lastEvaluatedAt: now, notifiedResolved: incident.notifiedFiring },
  });
  // a resolve goes out only where a firing did (a silenced incident resolves quietly)
  if (!done.count || !incident.notifiedFiring) return [];
  return notifyIncident(tx, {
    teamId: opts.teamId, rule: opts.rule, status: "resolved", now,
    incident: { ...incident, resolvedAt: now, valueAtResolve: opts.value },
  });
}
