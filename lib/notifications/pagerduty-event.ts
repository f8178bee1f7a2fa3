// What PagerDuty gets: an Events API v2 "trigger", deduplicated per event (a retry of the same
// delivery never opens a second incident). An alert incident triggers on firing and resolves on
// resolve, both with the incident's dedup key, so PagerDuty closes the incident it opened.
import type { EventEnvelope } from "./event-types";
import { field, linkOf, severityOf, summaryOf } from "./event-text";
import { isAlertEvent } from "./alertmanager-payload";

const ALERT_SEVERITY = { critical: "critical", warning: "warning", info: "info" } as const;

export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export function renderPagerDuty(e: EventEnvelope, opts: { routingKey: string; appUrl: string }) {
  const link = linkOf(e, opts.appUrl);
  const alert = isAlertEvent(e.type);
  if (alert && e.type === "alert.resolved") return { routing_key: opts.routingKey, event_action: "resolve" as const, dedup_key: field(e.data, "dedupKey") ?? e.id };
  return {
    routing_key: opts.routingKey,
    event_action: "trigger" as const,
    dedup_key: alert ? (field(e.data, "dedupKey") ?? e.id) : e.id,
    payload: {
      summary: summaryOf(e).slice(0, 1024),
      source: "switchyard",
      severity: alert ? (ALERT_SEVERITY[field(e.data, "severity") as keyof typeof ALERT_SEVERITY] ?? "warning") : severityOf(e.type),
      timestamp: e.createdAt,
      component: typeof e.data.endpoint === "string" ? e.data.endpoint : undefined,
      group: e.team,
      class: e.type,
      custom_details: { event: e.type, team: e.team, ...e.data },
    },
    links: [{ href: link, text: "Open in Switchyard" }],
    client: "Switchyard",
    client_url: link,
  };
}
