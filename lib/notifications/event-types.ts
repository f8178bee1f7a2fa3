// Every event a channel can subscribe to, declared once: the channels API validates subscriptions
// against this list and emitters can only name one of these.
import { z } from "zod";
import type { JsonData } from "../db/json";

export const EVENT_TYPES = [
  "version.created",
  "promotion.requested",
  "promotion.approved",
  "promotion.rejected",
  "promotion.expired",
  "promotion.stale",
  "promotion.deployed",
  "promotion.failed",
  "promotion.rolled_back",
  "deployment.succeeded",
  "deployment.failed",
  "deployment.rolled_back",
  // an alert rule's incident (lib/alerts): sent to the rule's channels and to channels subscribed here
  "alert.firing",
  "alert.resolved",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export const eventTypeSchema = z.enum(EVENT_TYPES);

/** What a receiver gets: `Switchyard-Event` is `type`, `Switchyard-Delivery` the delivery id. */
export type EventEnvelope = { id: string; type: EventType | "channel.test"; createdAt: string; team: string; data: { [key: string]: JsonData | undefined } };
