// What a webhook channel gets for an alert event: the body Prometheus Alertmanager's webhook
// receiver sends (version "4"), so receivers written for Alertmanager (and its tooling) take it as
// is. One alert per notification; its `fingerprint` is the incident's dedup key, the same key
// PagerDuty gets as `dedup_key`. `endsAt` is Alertmanager's zero time while firing.
import type { EventEnvelope } from "./event-types";
import { field, linkOf, summaryOf } from "./event-text";

const ZERO_TIME = "0001-01-01T00:00:00Z";

export const isAlertEvent = (type: EventEnvelope["type"]) => type === "alert.firing" || type === "alert.resolved";

export function renderAlertmanager(e: EventEnvelope, opts: { receiver: string; appUrl: string }) {
  const d = e.data;
  const status = e.type === "alert.resolved" ? "resolved" : "firing";
  const labels: Record<string, string> = { alertname: field(d, "alert") ?? "alert", severity: field(d, "severity") ?? "warning", team: e.team };
  for (const k of ["endpoint", "environment", "metric", "variant", "feature"] as const) {
    const v = field(d, k);
    if (v) labels[k] = v;
  }
  const annotations: Record<string, string> = { summary: summaryOf(e) };
  for (const k of ["value", "threshold", "operator", "windowSeconds", "forSeconds", "peakValue", "ruleId", "incidentId"] as const) {
    const v = field(d, k);
    if (v) annotations[k] = v;
  }
  const link = linkOf(e, opts.appUrl);
  const groupLabels = { alertname: labels.alertname };
  return {
    version: "4",
    groupKey: `{}:{alertname=${JSON.stringify(labels.alertname)}, ruleId=${JSON.stringify(field(d, "ruleId") ?? "")}}`,
    truncatedAlerts: 0,
    status,
    receiver: opts.receiver,
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: link,
    alerts: [{
      status,
      labels,
      annotations,
      startsAt: field(d, "startsAt") ?? e.createdAt,
      endsAt: status === "resolved" ? (field(d, "endsAt") ?? e.createdAt) : ZERO_TIME,
      generatorURL: link,
      fingerprint: field(d, "dedupKey") ?? e.id,
    }],
  };
}
