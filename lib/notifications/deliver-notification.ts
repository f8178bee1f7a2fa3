// One attempt at one delivery: the notifications job runs it (and the web, for a channel test).
// Every attempt is recorded on the Delivery row (attempts, last status code, the first 500
// characters of the answer, the error, when the next attempt is due), and the caller is told whether
// to run it again later and when: exactly then, whatever restarts in between, because the time is
// on the row and in the delayed job. Idempotent: a finished delivery is never sent again by a
// repeated job, only by an explicit redelivery (which resets it to pending).
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "../db/client";
import { readJson, StoredJsonError } from "../db/json";
import type { ChannelKind } from "../generated/prisma/enums";
import { storableText } from "../db/storable-text";
import { readChannelConfig } from "./channel-config";
import { decryptSecret, SecretUnreadable } from "./channel-secrets";
import { EVENT_TYPES, type EventEnvelope } from "./event-types";
import type { NotifySettings } from "./notify-settings";
import { parseOutboundUrl, RefusedAddress, resolveOutbound } from "./outbound-url";
import { renderPagerDuty } from "./pagerduty-event";
import { isAlertEvent, renderAlertmanager } from "./alertmanager-payload";
import { postJson, type PostResult } from "./post-json";
import { MAX_ATTEMPTS, nextStep } from "./retry-schedule";
import { SIGNATURE_HEADER, signatureHeader } from "./sign-webhook";
import { renderSlack } from "./slack-message";
import { takeSlackSlot } from "./slack-throttle";
import { AppError } from "../errors";

export const SEND_TIMEOUT_MS = 10_000;
export const EXCERPT_CHARS = 500;

export type DeliverDeps = { db: Db; redis: Redis; settings: NotifySettings; log?: (msg: string, extra?: object) => void; now?: () => number };

/** `done`: nothing more to do for this delivery now. `later`: run it again at `at` (ms). */
export type DeliverResult = { state: "done" } | { state: "later"; at: number };

const envelopeSchema = z.object({
  id: z.string(),
  type: z.enum([...EVENT_TYPES, "channel.test"]),
  createdAt: z.string(),
  team: z.string(),
  data: z.record(z.string(), z.any()),
});

/** A job that comes a little early (clocks) still runs; one that comes much earlier than the row says waits. */
const EARLY_SLACK_MS = 100;

type Request = { url: URL; body: string; headers: Record<string, string> };

function buildRequest(channel: { name: string; kind: ChannelKind; config: unknown }, envelope: EventEnvelope, deliveryId: string, settings: NotifySettings, now: number): Request {
  const c = readChannelConfig(channel.kind, channel.config);
  const open = (sealed: string) => decryptSecret(sealed, settings.secretKey);
  switch (c.kind) {
    case "webhook": {
      // alerts in Alertmanager's webhook shape; every other event as its envelope
      const body = JSON.stringify(isAlertEvent(envelope.type) ? renderAlertmanager(envelope, { receiver: channel.name, appUrl: settings.appUrl }) : envelope);
      return {
        url: parseOutboundUrl(c.config.url),
        body,
        headers: { [SIGNATURE_HEADER]: signatureHeader(open(c.config.secretSealed), body, now), "Switchyard-Event": envelope.type, "Switchyard-Delivery": deliveryId },
      };
    }
    case "slack":
      return { url: parseOutboundUrl(open(c.config.urlSealed)), body: JSON.stringify(renderSlack(envelope, { appUrl: settings.appUrl })), headers: {} };
    case "pagerduty":
      return { url: parseOutboundUrl(c.config.eventsUrl), body: JSON.stringify(renderPagerDuty(envelope, { routingKey: open(c.config.routingKeySealed), appUrl: settings.appUrl })), headers: {} };
  }
}

export async function deliverNotification(deps: DeliverDeps, deliveryId: string): Promise<DeliverResult> {
  const { db } = deps;
  const clock = deps.now ?? Date.now;
  const d = await db.delivery.findUnique({ where: { id: deliveryId }, include: { channel: true } });
  if (!d || d.status === "succeeded" || d.status === "failed") return { state: "done" };
  if (d.status === "pending" && d.nextAttemptAt && d.nextAttemptAt.getTime() - clock() > EARLY_SLACK_MS) return { state: "later", at: d.nextAttemptAt.getTime() };

  const slot = d.channel.kind === "slack" ? await takeSlackSlot(deps.redis, d.channelId) : null;
  if (slot && "waitMs" in slot) return { state: "later", at: clock() + slot.waitMs }; // not an attempt: Slack's pace, not a failure

  try {
    const attempt = d.attempts + 1;
    const started = await db.delivery.updateMany({ where: { id: d.id, status: { in: ["pending", "sending"] } }, data: { status: "sending", attempts: attempt, nextAttemptAt: null } });
    if (!started.count) return { state: "done" }; // finished meanwhile (another run of the same job)

    const finishFor = async (data: { status: "failed"; lastError: string; lastStatusCode?: number | null; lastResponse?: string | null }) => {
      await db.delivery.update({ where: { id: d.id }, data });
      deps.log?.(`delivery ${d.id} failed for good`, { channel: d.channelId, attempt, reason: data.lastError });
      return { state: "done" } as const;
    };

    let request: Request;
    let pinned;
    try {
      const envelope = readJson(envelopeSchema, d.payload, "delivery payload") as EventEnvelope;
      request = buildRequest(d.channel, envelope, d.id, deps.settings, clock());
      pinned = await resolveOutbound(request.url, { allowPrivate: deps.settings.allowPrivateNetworks, lookup: deps.settings.lookup });
    } catch (err) {
      // a refused address, an unreadable secret or stored value: retrying changes nothing
      if (err instanceof RefusedAddress || err instanceof SecretUnreadable || err instanceof AppError || err instanceof StoredJsonError) return finishFor({ status: "failed", lastError: `not sent: ${err.message}` });
      throw err;
    }

    let result: PostResult | null = null;
    let networkError: string | null = null;
    try {
      result = await postJson({ url: request.url, body: request.body, headers: request.headers, pinned, timeoutMs: SEND_TIMEOUT_MS });
    } catch (err) {
      networkError = (err as Error).message || String(err);
    }
    const now = clock();
    const step = nextStep({ attempt, status: result?.status ?? null, retryAfter: result?.retryAfter, baseMs: deps.settings.backoffBaseMs, now });
    const answer = {
      lastStatusCode: result?.status ?? null,
      lastResponse: result ? storableText(result.body.slice(0, EXCERPT_CHARS)) : null,
    };
    const problem = networkError ? storableText(networkError.slice(0, 500)) : result && step.kind !== "succeeded" ? `HTTP ${result.status}` : null;
    if (step.kind === "succeeded") {
      await db.delivery.update({ where: { id: d.id }, data: { ...answer, status: "succeeded", lastError: null, deliveredAt: new Date(now) } });
      deps.log?.(`delivery ${d.id} succeeded`, { channel: d.channelId, attempt, status: result!.status });
      return { state: "done" };
    }
    if (step.kind === "retry") {
      const at = now + step.delayMs;
      await db.delivery.update({ where: { id: d.id }, data: { ...answer, status: "pending", lastError: problem, nextAttemptAt: new Date(at) } });
      deps.log?.(`delivery ${d.id}: attempt ${attempt} failed, next in ${step.delayMs} ms`, { channel: d.channelId, error: problem });
      return { state: "later", at };
    }
    const why = attempt >= MAX_ATTEMPTS && (networkError || (result && (result.status === 429 || result.status >= 500)))
      ? `gave up after ${attempt} attempts (dead-lettered): ${problem}`
      : `${problem}: the receiver refused it (not retried)`;
    return finishFor({ status: "failed", lastError: why, ...answer });
  } finally {
    if (slot && "release" in slot) await slot.release().catch(() => {});
  }
}
