// Rules and incidents as answers, the audit and the console show them.
import type { AlertIncident, AlertRule } from "../generated/prisma/client";

export function toIncidentView(i: AlertIncident, extra?: { rule?: string; endpoint?: string }) {
  return {
    id: i.id,
    ruleId: i.ruleId,
    ...(extra?.rule !== undefined ? { rule: extra.rule } : {}),
    ...(extra?.endpoint !== undefined ? { endpoint: extra.endpoint } : {}),
    state: i.state,
    dedupKey: i.dedupKey,
    startedAt: i.startedAt.toISOString(),
    firingAt: i.firingAt?.toISOString() ?? null,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    valueAtStart: i.valueAtStart,
    valueAtFire: i.valueAtFire,
    valueAtResolve: i.valueAtResolve,
    peakValue: i.peakValue,
    lastValue: i.lastValue,
    lastEvaluatedAt: i.lastEvaluatedAt.toISOString(),
    notified: { firing: i.notifiedFiring, resolved: i.notifiedResolved },
  };
}
export type IncidentView = ReturnType<typeof toIncidentView>;

/** `state`: inactive without an open incident, else the open incident's. */
export function toRuleView(r: AlertRule, endpoint: string, open: AlertIncident | null, now = new Date()) {
  return {
    id: r.id,
    endpoint,
    name: r.name,
    metric: r.metric,
    feature: r.feature,
    variant: r.variant,
    operator: r.operator,
    threshold: r.threshold,
    windowSeconds: r.windowSeconds,
    forSeconds: r.forSeconds,
    severity: r.severity,
    channels: r.channelIds,
    enabled: r.enabled,
    silence: r.silencedUntil && r.silencedUntil > now ? { until: r.silencedUntil.toISOString(), reason: r.silenceReason ?? "", by: r.silencedBy ?? "" } : null,
    state: open ? open.state : ("inactive" as const),
    incident: open ? toIncidentView(open) : null,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type RuleView = ReturnType<typeof toRuleView>;

/** What the audit keeps of a rule: its definition and silence, not its live state. */
export function auditedRule(r: AlertRule) {
  return {
    name: r.name, metric: r.metric, feature: r.feature, variant: r.variant, operator: r.operator, threshold: r.threshold,
    windowSeconds: r.windowSeconds, forSeconds: r.forSeconds, severity: r.severity, channels: r.channelIds, enabled: r.enabled,
    silence: r.silencedUntil ? { until: r.silencedUntil.toISOString(), reason: r.silenceReason, by: r.silencedBy } : null,
  };
}
