// Creates a notification channel. Its URLs are checked now (form: 400; where the host resolves: 422)
// and again at every send. Secrets are stored encrypted; a generated webhook secret is in this
// answer and nowhere else in clear.
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { isUniqueViolation } from "../db/errors";
import { toJson } from "../db/json";
import { AppError } from "../errors";
import type { ChannelKind } from "../generated/prisma/enums";
import { encryptSecret, generateWebhookSecret, maskSecret, maskUrl } from "./channel-secrets";
import { toChannelView } from "./channel-view";
import type { EventType } from "./event-types";
import type { NotifySettings } from "./notify-settings";
import { checkOutboundUrl } from "./outbound-url";
import { DEFAULT_PAGERDUTY_EVENTS_URL } from "./pagerduty-event";

export type ChannelInput = { name: string; kind: ChannelKind; url?: string; secret?: string; routingKey?: string; eventsUrl?: string; events: EventType[] };

/** Fields that belong to other kinds of channel: refused, so a mistake is not silently ignored. */
const FIELDS: Record<ChannelKind, (keyof ChannelInput)[]> = { webhook: ["url", "secret"], slack: ["url"], pagerduty: ["routingKey", "eventsUrl"] };

export async function createChannel(opts: { db: Db; teamId: string; actor: Actor; settings: NotifySettings; input: ChannelInput }) {
  const { input, settings } = opts;
  for (const k of ["url", "secret", "routingKey", "eventsUrl"] as const) {
    if (input[k] !== undefined && !FIELDS[input.kind].includes(k)) throw new AppError("bad_request", `is not used by ${input.kind} channels (${input.kind} takes ${FIELDS[input.kind].join(" and ")})`, { field: k });
  }
  const check = { allowPrivate: settings.allowPrivateNetworks, lookup: settings.lookup };
  const need = (k: "url" | "routingKey", what: string) => {
    const v = input[k];
    if (!v) throw new AppError("bad_request", `is required for ${input.kind} channels: ${what}`, { field: k });
    return v;
  };
  let config: object;
  let secret: string | undefined;
  if (input.kind === "webhook") {
    const url = await checkOutboundUrl(need("url", "the URL that receives the POSTs"), { ...check, field: "url" });
    secret = input.secret ?? generateWebhookSecret();
    config = { url: url.href, secretSealed: encryptSecret(secret, settings.secretKey), secretMasked: maskSecret(secret, secret.startsWith("whsec_") ? "whsec_" : "") };
  } else if (input.kind === "slack") {
    const url = await checkOutboundUrl(need("url", "the Slack incoming-webhook URL (https://hooks.slack.com/services/…)"), { ...check, field: "url" });
    config = { urlSealed: encryptSecret(url.href, settings.secretKey), urlMasked: maskUrl(url.href) };
  } else {
    const routingKey = need("routingKey", "the PagerDuty Events API v2 integration (routing) key");
    const eventsUrl = await checkOutboundUrl(input.eventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL, { ...check, field: "eventsUrl" });
    config = { eventsUrl: eventsUrl.href, routingKeySealed: encryptSecret(routingKey, settings.secretKey), routingKeyMasked: maskSecret(routingKey) };
  }
  const events = [...new Set(input.events)];
  if (!events.length) throw new AppError("bad_request", "subscribe to at least one event", { field: "events" });

  try {
    const view = await opts.db.$transaction(async (tx) => {
      const c = await tx.channel.create({ data: { teamId: opts.teamId, name: input.name, kind: input.kind, config: toJson(config as never), events, createdBy: opts.actor.label } });
      const view = toChannelView(c);
      await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "channel.create", resourceType: "channel", resourceId: c.id, after: view });
      return view;
    });
    // the generated (or given) webhook secret, this once: the receiver needs it to verify signatures
    return input.kind === "webhook" ? { ...view, signingSecret: secret! } : view;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `a channel named "${input.name}" already exists`, { field: "name" });
    throw err;
  }
}
