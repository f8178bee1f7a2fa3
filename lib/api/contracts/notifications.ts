import { z } from "zod";
import { defineContract } from "../contract";
import { dbText, named } from "./shared";
import { EVENT_TYPES } from "../../notifications/event-types";

const KINDS = ["slack", "webhook", "pagerduty"] as const;
const DELIVERY_STATUSES = ["pending", "sending", "succeeded", "failed"] as const;

export const channelView = named("Channel", z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(KINDS),
  target: z.string().describe("where it sends: the webhook URL, the Slack URL masked (it carries a token), or the PagerDuty events URL"),
  secret: z.string().nullable().describe("the webhook signing secret or PagerDuty routing key, masked (`whsec_****abcd`); null for Slack"),
  events: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
}));

export const deliveryView = named("Delivery", z.object({
  id: z.string().describe("also the `Switchyard-Delivery` header"),
  channel: z.object({ id: z.string(), name: z.string(), kind: z.enum(KINDS) }),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES).describe("failed after the last attempt: dead-lettered, redeliver it by hand"),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastResponse: z.string().nullable().describe("the first 500 characters of the receiver's last answer"),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
}));

const idParams = z.object({ id: dbText.min(1).max(100) });

// Channels hold secrets and send data out of the product: signed-in admins only.
export const createChannel = defineContract({
  method: "POST",
  path: "/api/v1/channels",
  summary: "Create a notification channel (Slack incoming webhook, signed webhook or PagerDuty); a webhook's signing secret is in this answer and nowhere else",
  tag: "notifications",
  auth: { action: "channel.manage" },
  body: z.object({
    name: dbText.min(1).max(100),
    kind: z.enum(KINDS),
    url: dbText.max(2048).optional().describe("webhook: the URL that receives the POSTs; slack: the incoming-webhook URL"),
    secret: dbText.min(16).max(200).optional().describe("webhook: the signing secret (default: a generated `whsec_…`)"),
    routingKey: dbText.min(1).max(200).optional().describe("pagerduty: the Events API v2 integration key"),
    eventsUrl: dbText.max(2048).optional().describe("pagerduty: the Events API URL (default https://events.pagerduty.com/v2/enqueue)"),
    events: z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length * 2),
  }).strict(),
  response: channelView.extend({ signingSecret: z.string().optional().describe("webhook channels: the signing secret, shown this once") }),
  status: 201,
});

export const listChannels = defineContract({
  method: "GET",
  path: "/api/v1/channels",
  summary: "List the team's notification channels (secrets masked)",
  tag: "notifications",
  auth: { action: "channel.read" },
  response: z.object({ channels: z.array(channelView) }),
});

export const deleteChannel = defineContract({
  method: "DELETE",
  path: "/api/v1/channels/{id}",
  summary: "Delete a notification channel and its deliveries",
  tag: "notifications",
  auth: { action: "channel.manage" },
  params: idParams,
  response: channelView,
});

export const testChannel = defineContract({
  method: "POST",
  path: "/api/v1/channels/{id}/test",
  summary: "Send a `channel.test` event to the channel now and answer with its delivery (a retry continues on the queue)",
  tag: "notifications",
  auth: { action: "channel.manage" },
  params: idParams,
  response: deliveryView,
});

export const listDeliveries = defineContract({
  method: "GET",
  path: "/api/v1/deliveries",
  summary: "The team's notification deliveries, newest first: status, attempts, the last answer's code and first 500 characters",
  tag: "notifications",
  auth: { action: "delivery.read" },
  query: z.object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    channel: dbText.min(1).max(100).optional().describe("a channel id"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: dbText.min(1).max(100).optional().describe("`nextCursor` of the previous page"),
  }),
  response: z.object({ deliveries: z.array(deliveryView), nextCursor: z.string().nullable() }),
});

export const redeliverDelivery = defineContract({
  method: "POST",
  path: "/api/v1/deliveries/{id}/redeliver",
  summary: "Send a failed (dead-lettered) or succeeded delivery again: the same event, attempts from zero",
  tag: "notifications",
  auth: { action: "delivery.redeliver" },
  params: idParams,
  response: deliveryView,
  status: 202,
});
