// Slack, faked: requests signed the way Slack signs them, click payloads shaped like Slack's
// block_actions, and a local server standing in for the response_url Slack gives each click.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The signing secret every integration test's web uses (tests/setup/env.ts). */
export const slackSecret = () => process.env.SLACK_SIGNING_SECRET!;

export const slackForm = (payload: unknown) => new URLSearchParams({ payload: typeof payload === "string" ? payload : JSON.stringify(payload) }).toString();

/** Headers Slack sends with a body: its timestamp and `v0=` HMAC-SHA256 of `v0:<ts>:<body>`. */
export function slackHeaders(rawBody: string, opts: { secret?: string; timestamp?: number; contentType?: string } = {}): Record<string, string> {
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac("sha256", opts.secret ?? slackSecret()).update(`v0:${ts}:${rawBody}`).digest("hex")}`;
  return { "content-type": opts.contentType ?? "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts, "x-slack-signature": signature };
}

/** A button click as Slack sends it (trimmed to what a real payload has around the fields Switchyard reads). */
export function click(opts: { slackUserId: string; actionId: string; value?: string; responseUrl?: string; message?: unknown }) {
  return {
    type: "block_actions",
    user: { id: opts.slackUserId, username: "someone", name: "someone", team_id: "T0SLACK" },
    api_app_id: "A0APP", token: "legacy-verification-token", trigger_id: "1.2.3",
    team: { id: "T0SLACK", domain: "acme" }, enterprise: null, is_enterprise_install: false,
    container: { type: "message", message_ts: "1700000000.000100", channel_id: "C0RELEASES", is_ephemeral: false },
    channel: { id: "C0RELEASES", name: "releases" },
    message: opts.message ?? { type: "message", text: "Promotion requested", blocks: [] },
    state: { values: {} },
    response_url: opts.responseUrl,
    actions: [{ action_id: opts.actionId, block_id: "promotion_actions", text: { type: "plain_text", text: "Approve", emoji: true }, value: opts.value, style: "primary", type: "button", action_ts: "1700000001.000200" }],
  };
}

export type FakeSlack = {
  origin: string;
  responseUrl: (id?: string) => string;
  received: { path: string; body: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** waits until `count` messages have arrived in all */
  waitForMessages: (count: number, timeoutMs?: number) => Promise<FakeSlack["received"]>;
  /** how long each answer takes (Slack being slow) */
  delayMs: number;
  close: () => Promise<void>;
};

/** A local server standing in for hooks.slack.com: records what is posted to it and answers "ok". */
export async function fakeSlack(): Promise<FakeSlack> {
  const waiters: (() => void)[] = [];
  const fake = { received: [], delayMs: 0 } as unknown as FakeSlack;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      fake.received.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") });
      waiters.splice(0).forEach((w) => w());
      setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("ok"), fake.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  fake.responseUrl = (id = String(++n)) => `${fake.origin}/actions/T0SLACK/${id}/secret-part`;
  fake.waitForMessages = async (count, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (fake.received.length < count) {
      if (Date.now() > deadline) throw new Error(`fake Slack: ${fake.received.length} of ${count} messages arrived within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 100); });
    }
    return fake.received;
  };
  fake.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return fake;
}
