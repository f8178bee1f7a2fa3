// What a Slack channel gets for an event: Block Kit, built from the envelope alone. A requested
// promotion gets the approval message (metrics against the champion, checks, Approve / Reject
// buttons: lib/integrations/slack/promotion-message.ts); every other event the common layout.
import type { EventEnvelope } from "./event-types";
import { factsOf, field, linkOf, summaryOf } from "./event-text";
import { promotionRequestedMessage } from "../integrations/slack/promotion-message";

export type SlackBlock = { type: string; [key: string]: unknown };
export type SlackMessage = { text: string; blocks: SlackBlock[] };

/** Slack's mrkdwn needs &, < and > escaped in text it did not produce. */
export const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const ICON: Partial<Record<EventEnvelope["type"], string>> = {
  "channel.test": ":wave:",
  "version.created": ":package:",
  "deployment.succeeded": ":white_check_mark:",
  "deployment.failed": ":x:",
  "deployment.rolled_back": ":leftwards_arrow_with_hook:",
  "promotion.requested": ":raised_hand:",
  "promotion.approved": ":+1:",
  "promotion.rejected": ":no_entry:",
  "promotion.deployed": ":rocket:",
  "promotion.failed": ":x:",
  "promotion.rolled_back": ":leftwards_arrow_with_hook:",
  "promotion.stale": ":hourglass:",
  "promotion.expired": ":hourglass:",
  "alert.firing": ":rotating_light:",
  "alert.resolved": ":large_green_circle:",
};

export function renderSlack(e: EventEnvelope, opts: { appUrl: string }): SlackMessage {
  if (e.type === "promotion.requested") return promotionRequestedMessage(e, opts);
  const summary = summaryOf(e);
  const link = linkOf(e, opts.appUrl);
  const facts = factsOf(e);
  const blocks: SlackBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `${ICON[e.type] ?? ":bell:"} *${slackEscape(summary)}*` } },
    ...(facts.length ? [{ type: "section", fields: facts.slice(0, 10).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${slackEscape(v.slice(0, 500))}` })) }] : []),
    // an alert's dedup key, in both its messages: incoming webhooks cannot reply in a thread, so the
    // resolve names the incident it closes instead
    { type: "context", elements: [{ type: "mrkdwn", text: `<${link}|Open in Switchyard> · team ${slackEscape(e.team)} · ${e.type}${field(e.data, "dedupKey") ? ` · incident ${slackEscape(field(e.data, "dedupKey")!)}` : ""}` }] },
  ];
  // the notification's text too: a reason typed as <!channel> must not ping the channel
  return { text: slackEscape(summary), blocks };
}
