// A channel's `config` column, per kind. Secrets are sealed (lib/notifications/channel-secrets.ts)
// with their masked form beside them, so listing channels never needs to decrypt anything.
import { z } from "zod";
import { readJson } from "../db/json";
import type { ChannelKind } from "../generated/prisma/enums";

export const webhookConfig = z.object({ url: z.string(), secretSealed: z.string(), secretMasked: z.string() });
export const slackConfig = z.object({ urlSealed: z.string(), urlMasked: z.string() });
export const pagerdutyConfig = z.object({ eventsUrl: z.string(), routingKeySealed: z.string(), routingKeyMasked: z.string() });

export type ChannelConfig =
  | { kind: "webhook"; config: z.infer<typeof webhookConfig> }
  | { kind: "slack"; config: z.infer<typeof slackConfig> }
  | { kind: "pagerduty"; config: z.infer<typeof pagerdutyConfig> };

export function readChannelConfig(kind: ChannelKind, value: unknown): ChannelConfig {
  switch (kind) {
    case "webhook": return { kind, config: readJson(webhookConfig, value, "channel config") };
    case "slack": return { kind, config: readJson(slackConfig, value, "channel config") };
    case "pagerduty": return { kind, config: readJson(pagerdutyConfig, value, "channel config") };
  }
}

/** Where the channel sends, as shown to people: Slack's URL masked (it carries a token). */
export function targetOf(c: ChannelConfig): string {
  return c.kind === "webhook" ? c.config.url : c.kind === "slack" ? c.config.urlMasked : c.config.eventsUrl;
}

/** The masked secret shown to people (webhook signing secret, PagerDuty routing key), or null. */
export function maskedSecretOf(c: ChannelConfig): string | null {
  return c.kind === "webhook" ? c.config.secretMasked : c.kind === "pagerduty" ? c.config.routingKeyMasked : null;
}
