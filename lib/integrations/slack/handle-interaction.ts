// Slack's interactivity request URL: a click on a Switchyard message. Verified first (signing secret,
// five-minute window), then parsed; only the promotion buttons do anything. Slack wants 200 within
// 3 s and shows nothing of the answer's body for a button click: what the person sees (the updated
// message, or a note only they see) is posted to the click's response_url once the answer is sent.
import type { Db } from "../../db/client";
import { AppError } from "../../errors";
import { verifySlackSignature } from "./verify-signature";
import { parseInteractionPayload } from "./interaction-payload";
import { decideFromSlack, ephemeral } from "./decide-from-slack";
import { postToResponseUrl, type SlackReply } from "./respond";
import { SLACK_ACTIONS } from "./promotion-message";

export type SlackSettings = { signingSecret?: string; responseUrlOrigin: string };

export async function handleSlackInteraction(opts: {
  db: Db; redisUrl: string; slack: SlackSettings; appUrl: string; inlineMaxModelMb?: number;
  rawBody: string; signature: string | null; timestamp: string | null; now?: Date;
}): Promise<SlackReply> {
  const secret = opts.slack.signingSecret;
  if (!secret) throw new AppError("unavailable", "Slack approvals are not set up here: set SLACK_SIGNING_SECRET on the web to the Slack app's signing secret (README: Slack approvals)");
  verifySlackSignature({ secret, rawBody: opts.rawBody, signature: opts.signature, timestamp: opts.timestamp, now: opts.now });
  const payload = parseInteractionPayload(opts.rawBody);

  const action = payload.type === "block_actions" ? payload.actions[0] : undefined;
  let outcome: { reply: SlackReply; updates: SlackReply[] };
  if (!action) {
    outcome = { reply: ephemeral("Switchyard only handles the buttons on its promotion messages."), updates: [] };
  } else if (action.action_id === SLACK_ACTIONS.open) {
    // a link button: Slack opens the page itself and tells the app about the click
    outcome = { reply: { replace_original: false, text: "" }, updates: [] };
  } else if (action.action_id === SLACK_ACTIONS.approve || action.action_id === SLACK_ACTIONS.reject) {
    outcome = action.value
      ? await decideFromSlack({
          db: opts.db, redisUrl: opts.redisUrl, appUrl: opts.appUrl, slackUserId: payload.user.id, promotionId: action.value,
          decision: action.action_id === SLACK_ACTIONS.approve ? "approve" : "reject", now: opts.now, inlineMaxModelMb: opts.inlineMaxModelMb,
        })
      : { reply: ephemeral("This button names no promotion. Nothing changed."), updates: [] };
  } else {
    const reply = ephemeral(`Switchyard does not know the button "${action.action_id.slice(0, 80)}". Nothing changed.`);
    outcome = { reply, updates: [reply] };
  }
  if (payload.response_url && outcome.updates.length) {
    // not awaited: the answer goes out now, the updates follow (the web is a long-running server)
    void postToResponseUrl({ url: payload.response_url, origin: opts.slack.responseUrlOrigin, replies: outcome.updates });
  }
  return outcome.reply;
}
