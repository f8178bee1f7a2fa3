import { z } from "zod";
import { defineContract } from "../contract";
import { named } from "./shared";

// Slack reads nothing of this answer for a button click (what people see is posted to the click's
// response_url); it is the same message, for logs and for clients that do read it.
const slackReply = named("SlackReply", z.object({
  response_type: z.literal("ephemeral").optional().describe("only the person who clicked sees it"),
  replace_original: z.boolean().describe("true: the message replaces the one with the buttons"),
  text: z.string(),
  blocks: z.array(z.record(z.string(), z.unknown())).optional().describe("Block Kit blocks"),
}));

/** Slack's payloads stay well below this; the messages Switchyard sends are a few KiB. */
export const SLACK_MAX_BODY_BYTES = 64 * 1024;

export const slackInteraction = defineContract({
  method: "POST", path: "/api/v1/integrations/slack/interactions", tag: "integrations",
  summary: "Slack's interactivity request URL: Approve / Reject clicks on promotion messages, as the member linked to the Slack user",
  auth: "public",
  rawForm: {
    fields: { payload: "JSON: Slack's block_actions payload (user.id, actions[0].action_id and value, response_url)" },
    maxBytes: SLACK_MAX_BODY_BYTES,
    signed: "X-Slack-Signature: v0=<hex HMAC-SHA256(SLACK_SIGNING_SECRET, \"v0:<X-Slack-Request-Timestamp>:<raw body>\")>; a timestamp more than 5 minutes from now gets 401",
  },
  response: slackReply,
  // errors about the payload name its fields: payload.user.id
  fieldsIn: "payload",
});
