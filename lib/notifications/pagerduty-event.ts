// What PagerDuty gets: an Events API v2 "trigger", deduplicated per event (a retry of the same
// delivery never opens a second incident).
import type { EventEnvelope } from "./event-types";
import { linkOf, severityOf, summaryOf } from "./event-text";

export const DEFAULT_PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

export function renderPagerDuty(e: EventEnvelope, opts: { routingKey: string; appUrl: string }) {
  const link = linkOf(e, opts.appUrl);
  return {
    routing_key: opts.routingKey,
    event_action: "trigger" as const,
    dedup_key: e.id,
    payload: {
      summary: summaryOf(e).slice(0, 1024),
      source: "switchyard",
      severity: severityOf(e.type),
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
