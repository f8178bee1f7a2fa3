// The few Block Kit pieces the Slack messages use, with Slack's limits applied: text that is too long
// is cut (Slack refuses the whole message otherwise) and what people typed is escaped, so a reason
// like "<!channel>" is shown, not sent as a mention to everyone.

export type SlackText = { type: "plain_text"; text: string; emoji?: boolean } | { type: "mrkdwn"; text: string };
export type SlackBlock = { type: string; block_id?: string; [key: string]: unknown };
/** A message for chat.postMessage, an incoming webhook or a response_url: `text` is the notification's fallback. */
export type SlackMessage = { text: string; blocks: SlackBlock[] };

/** Slack's limits (Block Kit reference). */
export const LIMITS = { header: 150, sectionText: 3000, field: 2000, fields: 10, buttonText: 75, buttonValue: 2000, fallback: 3000 } as const;

export function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Text for mrkdwn: `&`, `<` and `>` are Slack's control characters (links, mentions). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export const plain = (text: string, max: number): SlackText => ({ type: "plain_text", text: cut(text, max), emoji: true });
export const mrkdwn = (text: string, max: number = LIMITS.sectionText): SlackText => ({ type: "mrkdwn", text: cut(text, max) });

export const header = (text: string): SlackBlock => ({ type: "header", text: plain(text, LIMITS.header) });
export const section = (text: string): SlackBlock => ({ type: "section", text: mrkdwn(text) });
export const fieldsSection = (fields: string[], text?: string): SlackBlock => ({
  type: "section",
  ...(text ? { text: mrkdwn(text) } : {}),
  fields: fields.slice(0, LIMITS.fields).map((f) => mrkdwn(f, LIMITS.field)),
});
