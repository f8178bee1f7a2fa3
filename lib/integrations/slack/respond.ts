// Messages back to Slack go to the click's response_url (Slack shows nothing of the answer to a
// block_actions request). That URL comes from the payload, so it is only ever followed to the one
// configured origin (SLACK_RESPONSE_URL_ORIGIN, https://hooks.slack.com): a payload must never make
// Switchyard call another host. No redirects, a short timeout, and the URL itself (a capability)
// stays out of the logs.
import { createLogger } from "../../log";
import type { SlackBlock } from "./block-kit";

/** What Switchyard tells Slack about a click: a message replacing the original, or one only the clicker sees. */
export type SlackReply = { response_type?: "ephemeral"; replace_original: boolean; text: string; blocks?: SlackBlock[] };

const log = createLogger("slack");
const TIMEOUT_MS = 5000;

/** The URL, when it is on the allowed origin and carries no credentials; otherwise null. */
export function allowedResponseUrl(url: string, origin: string): URL | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.origin !== origin || u.username || u.password) return null;
  return u;
}

/** Posts the replies one after another; failures are logged, never thrown (the click was answered already). */
export async function postToResponseUrl(opts: { url: string; origin: string; replies: SlackReply[] }): Promise<void> {
  const target = allowedResponseUrl(opts.url, opts.origin);
  if (!target) {
    log.warn({ allowedOrigin: opts.origin }, "ignored a Slack response_url outside SLACK_RESPONSE_URL_ORIGIN");
    return;
  }
  for (const reply of opts.replies) {
    try {
      const res = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(reply),
        redirect: "error",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => {});
      if (!res.ok) log.warn({ origin: target.origin, status: res.status }, "Slack refused a message update (an expired response_url answers 404)");
    } catch (err) {
      log.warn({ origin: target.origin, err: (err as Error).message }, "could not reach Slack's response_url");
    }
  }
}
