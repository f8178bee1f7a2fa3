// The Slack message of a promotion: what is promoted where and why, the metrics against the champion,
// the checks, a link, and Approve / Reject buttons whose clicks come back to
// POST /api/v1/integrations/slack/interactions. Once decided, the same message is replaced by its
// "decided" variant: the same facts, the buttons replaced by a line saying who decided what.
// Pure: the notification renderer and the interaction handler both build from the event data.
import { bestMetrics } from "../../registry/best-metric";
import { LIMITS, cut, escapeMrkdwn as esc, fieldsSection, header, plain, section, type SlackBlock, type SlackMessage } from "./block-kit";
import { promotionOf, type EnvelopeLike, type PromotionEvent } from "./promotion-event";

/** The buttons' action ids; the interactions endpoint answers these and nothing else. */
export const SLACK_ACTIONS = { approve: "promotion_approve", reject: "promotion_reject", open: "promotion_open" } as const;
/** The comment a decision made in Slack carries (the buttons take no text). */
export const SLACK_DECISION_COMMENT = "via Slack";

type Options = { appUrl: string };

/** `promotion.requested` as a Slack message with Approve / Reject buttons. */
export function promotionRequestedMessage(envelope: EnvelopeLike, opts: Options): SlackMessage {
  return promotionMessage(promotionOf(envelope), opts, { buttons: true });
}

/**
 * The message after a decision (or for any later state): the same facts, and instead of the buttons
 * a line such as "Approved by ana@example.com — deploying". A promotion still waiting for more
 * approvals keeps its buttons. `already`: the click came after someone else had decided.
 */
export function promotionDecidedMessage(promotion: PromotionEvent, opts: Options & { already?: boolean }): SlackMessage {
  return promotionMessage(promotion, opts, { buttons: promotion.status === "pending_approval", line: statusLine(promotion, opts.already ?? false) });
}

function promotionMessage(p: PromotionEvent, opts: Options, how: { buttons: boolean; line?: string }): SlackMessage {
  const what = p.model ? `${p.model}${p.version !== null ? ` v${p.version}` : ""}` : "a change";
  const blocks: SlackBlock[] = [
    header(`Promotion requested: ${what}`),
    fieldsSection([
      `*Model*\n${esc(what)}`,
      `*Target*\n${esc(p.target)} (${esc(p.environment)})`,
      `*Requested by*\n${esc(p.requestedBy)}`,
      `*Approvals*\n${approvedBy(p).length} of ${p.requiredApprovals} needed`,
    ]),
  ];
  if (p.reason.trim()) blocks.push(section(`*Reason*\n${esc(cut(p.reason, 1000))}`));
  if (p.metrics.length) blocks.push(metricsBlock(p));
  blocks.push(section(checksText(p)));
  if (how.line) blocks.push(section(how.line));
  blocks.push(actions(p, opts, how.buttons));
  // the notification text is mrkdwn too
  const fallback = how.line ? `${esc(what)} → ${esc(p.target)}: ${how.line}` : `Promotion requested: ${esc(what)} → ${esc(p.target)} (${esc(p.environment)}); approve or reject it here or in Switchyard`;
  return { text: cut(fallback, LIMITS.fallback), blocks };
}

function metricsBlock(p: PromotionEvent): SlackBlock {
  const shown = p.metrics.length > LIMITS.fields ? p.metrics.slice(0, LIMITS.fields - 1) : p.metrics;
  const fields = shown.map((m) => {
    // the better of the two values in bold, as the promotion page marks it
    const best = m.value !== null && m.champion !== null ? bestMetrics([{ [m.name]: m.value }, { [m.name]: m.champion }])[m.name] : undefined;
    const mark = (v: number | null) => (v === null ? "–" : v === best && m.value !== m.champion ? `*${num(v)}*` : num(v));
    return `\`${esc(cut(m.name, 100))}\`\n${mark(m.value)}${p.champion ? ` vs ${mark(m.champion)}` : ""}`;
  });
  if (shown.length < p.metrics.length) fields.push(`…and ${p.metrics.length - shown.length} more in Switchyard`);
  const against = p.champion ? `vs the champion, ${esc(p.champion.model)} v${p.champion.version}` : "no champion serves yet";
  return fieldsSection(fields, `*Metrics* (${against})`);
}

function checksText(p: PromotionEvent): string {
  if (!p.checks.length) return "*Checks*\nno checks in this policy";
  const lines = p.checks.map((c) => `${c.passed ? "✅" : "❌"} *${esc(cut(c.name, 100))}*${c.detail ? ` — ${esc(cut(c.detail, 300))}` : ""}`);
  return cut(`*Checks*\n${lines.join("\n")}`, LIMITS.sectionText);
}

function actions(p: PromotionEvent, opts: Options, buttons: boolean): SlackBlock {
  const open = { type: "button", action_id: SLACK_ACTIONS.open, text: plain("Open in Switchyard", LIMITS.buttonText), url: new URL(p.path, opts.appUrl).toString() };
  if (!buttons) return { type: "actions", block_id: "promotion_actions", elements: [open] };
  return {
    type: "actions",
    block_id: "promotion_actions",
    elements: [
      { type: "button", action_id: SLACK_ACTIONS.approve, style: "primary", text: plain("Approve", LIMITS.buttonText), value: p.id },
      {
        type: "button", action_id: SLACK_ACTIONS.reject, style: "danger", text: plain("Reject", LIMITS.buttonText), value: p.id,
        confirm: {
          title: plain("Reject this promotion?", 100),
          text: plain(`A rejection ends the promotion; ${p.requestedBy} has to request it again.`, 300),
          confirm: plain("Reject", 30),
          deny: plain("Keep it", 30),
          style: "danger",
        },
      },
      open,
    ],
  };
}

/** Who decided what, in one line of mrkdwn. */
export function statusLine(p: PromotionEvent, already: boolean): string {
  const approvers = approvedBy(p);
  const by = approvers.length ? `approved by ${esc(approvers.join(", "))}` : "approved";
  const why = p.statusReason ? `: ${esc(cut(p.statusReason, 500))}` : "";
  const [emoji, phrase] = ((): [string, string] => {
    switch (p.status) {
      case "pending_approval": return ["👍", `${by} — ${approvers.length} of ${p.requiredApprovals} approvals; waiting for another approver`];
      case "approved":
      case "deploying": return ["✅", `${by} — deploying`];
      case "deployed": return ["✅", `${by} — deployed`];
      case "failed": return ["⚠️", `${by} — the deployment failed${why}`];
      case "rolled_back": return ["↩️", `${by} — rolled back${why}`];
      case "rejected": {
        const r = p.approvals.find((a) => a.decision === "reject");
        const comment = r && r.comment && r.comment !== SLACK_DECISION_COMMENT ? `: ${esc(cut(r.comment, 500))}` : "";
        return ["❌", r ? `rejected by ${esc(r.by)}${comment}` : `rejected${why}`];
      }
      case "cancelled": return ["⏹", "cancelled by the requester"];
      default: return ["⏹", `${p.status.replace(/_/g, " ")}${why}`];
    }
  })();
  const text = already ? `already ${phrase}` : phrase;
  return `${emoji} ${text[0].toUpperCase()}${text.slice(1)}`;
}

const approvedBy = (p: PromotionEvent) => p.approvals.filter((a) => a.decision === "approve").map((a) => a.by);

const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
