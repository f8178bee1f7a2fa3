// What an incident's notifications carry (the event envelope's data): every channel renders from
// this alone (Alertmanager-shaped webhooks, PagerDuty, Slack), with the incident's dedup key.
import type { EventEnvelope } from "../notifications/event-types";
import type { AlertMetric, Operator, Severity } from "./alert-metrics";

export type AlertRuleFacts = {
  id: string; name: string; metric: string; feature: string | null; variant: string | null; operator: string;
  threshold: number; windowSeconds: number; forSeconds: number; severity: Severity; channelIds: string[];
  endpoint: { name: string; environment: string };
};
export type IncidentFacts = { id: string; dedupKey: string; startedAt: Date; firingAt: Date | null; resolvedAt: Date | null; valueAtFire: number | null; valueAtResolve: number | null; peakValue: number | null };

/** The event id of an incident's firing or resolve notification: stable, so it is never sent twice. */
export const alertEventId = (incidentId: string, status: "firing" | "resolved") => `alert_${incidentId}_${status}`;

const round = (v: number | null) => (v === null ? "no data" : String(Number(v.toPrecision(4))));

export function describeCondition(rule: Pick<AlertRuleFacts, "metric" | "feature" | "variant" | "operator" | "threshold" | "windowSeconds">): string {
  const what = `${rule.metric}${rule.feature ? `(${rule.feature})` : ""}${rule.variant ? ` of ${rule.variant}` : ""}`;
  return `${what} ${rule.operator} ${rule.threshold} over ${rule.windowSeconds} s`;
}

export function alertEventData(rule: AlertRuleFacts, incident: IncidentFacts, status: "firing" | "resolved"): EventEnvelope["data"] {
  const value = status === "firing" ? incident.valueAtFire : incident.valueAtResolve;
  return {
    alert: rule.name,
    status,
    ruleId: rule.id,
    incidentId: incident.id,
    dedupKey: incident.dedupKey,
    endpoint: rule.endpoint.name,
    environment: rule.endpoint.environment,
    metric: rule.metric as AlertMetric,
    feature: rule.feature,
    variant: rule.variant,
    operator: rule.operator as Operator,
    threshold: rule.threshold,
    windowSeconds: rule.windowSeconds,
    forSeconds: rule.forSeconds,
    severity: rule.severity,
    value,
    peakValue: incident.peakValue,
    startsAt: (incident.firingAt ?? incident.startedAt).toISOString(),
    endsAt: incident.resolvedAt?.toISOString() ?? null,
    // the summary line every channel shows (lib/notifications/event-text.ts)
    reason: status === "firing"
      ? `${rule.name}: ${rule.metric} is ${round(value)} (${describeCondition(rule)})`
      : `${rule.name}: ${rule.metric} is back to ${round(value)} (was ${describeCondition(rule)}, peak ${round(incident.peakValue)})`,
  };
}
