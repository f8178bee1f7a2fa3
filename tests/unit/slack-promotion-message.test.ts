// The Slack message of a promotion, built from the same event data a channel receives
// (promotionEventData over a promotion row), so a change there that the message cannot read fails here.
import { describe, expect, it } from "vitest";
import { promotionEventData } from "@/lib/governance/transition";
import { policyRulesSchema } from "@/lib/governance/policy-rules";
import type { Evidence, VersionFacts } from "@/lib/governance/evidence";
import { promotionDecidedMessage, promotionRequestedMessage, SLACK_ACTIONS } from "@/lib/integrations/slack/promotion-message";
import { promotionOf, type PromotionEvent } from "@/lib/integrations/slack/promotion-event";
import type { SlackBlock } from "@/lib/integrations/slack/block-kit";
import { creditSignature } from "./fixtures";
import { renderSlack } from "@/lib/notifications/slack-message";
import type { EventEnvelope } from "@/lib/notifications/event-types";

const APP = "https://switchyard.example.com";

function facts(version: number, metrics: Record<string, number>): VersionFacts {
  return {
    model: "credit", version, sha256: "a".repeat(64), signature: creditSignature, metrics, params: {},
    lineage: { parentVersion: null, dataset: "german", source: "upload", createdBy: "ci", createdAt: "2026-01-01T00:00:00.000Z" },
  };
}

type Approval = { userLabel: string; decision: string; comment: string };

function event(over: { status?: string; reason?: string; approvals?: Approval[]; metrics?: Record<string, number>; champion?: Record<string, number> | null; checks?: Evidence["checks"]; statusReason?: string | null; requiredApprovals?: number } = {}) {
  const evidence: Evidence = {
    environment: "production",
    policy: { revision: 1, rules: policyRulesSchema.parse({}) },
    target: { kind: "traffic", endpoint: "credit-prod", routingVersion: 1, live: [], requested: [], strategy: "canary" },
    candidates: [facts(3, over.metrics ?? { auc: 0.8, logloss: 0.41 })],
    champion: over.champion === null ? null : facts(2, over.champion ?? { auc: 0.78, logloss: 0.45 }),
    checks: over.checks ?? [
      { name: "metric auc >= champion - 0.005", passed: true, detail: "0.8 ≥ 0.775" },
      { name: "signature", passed: false, detail: "input age: float32 → float64" },
    ],
  };
  const row = {
    id: "prom_1", kind: "traffic", status: over.status ?? "pending_approval", statusReason: over.statusReason ?? null, environment: "production",
    reason: over.reason ?? "better AUC on the March data", requestedBy: "eng@example.com", onBehalfOf: null,
    requiredApprovals: over.requiredApprovals ?? 1, deploymentId: null, evidence, team: { slug: "demo" },
    approvals: (over.approvals ?? []).map((a) => ({ ...a, voidedAt: null })),
  } as unknown as Parameters<typeof promotionEventData>[0];
  return { id: "evt_1", type: "promotion.requested", createdAt: "2026-01-01T00:00:00.000Z", team: "demo", data: promotionEventData(row) };
}

const texts = (blocks: SlackBlock[]) => JSON.stringify(blocks);
const actionsOf = (blocks: SlackBlock[]) => (blocks.find((b) => b.type === "actions")?.elements ?? []) as { action_id: string; value?: string; url?: string; style?: string; confirm?: object }[];
const promotion = (over: Parameters<typeof event>[0] = {}): PromotionEvent => promotionOf(event(over));

describe("promotion.requested in Slack", () => {
  it("is what a Slack channel receives for the event, buttons included", () => {
    const e = event() as unknown as EventEnvelope;
    const sent = renderSlack(e, { appUrl: APP });
    expect(sent).toEqual(promotionRequestedMessage(event(), { appUrl: APP }));
    expect(actionsOf(sent.blocks as SlackBlock[]).map((a) => a.action_id)).toEqual(expect.arrayContaining([SLACK_ACTIONS.approve, SLACK_ACTIONS.reject]));
  });

  it("shows the model, target, reason, requester, metrics against the champion and every check", () => {
    const m = promotionRequestedMessage(event(), { appUrl: APP });
    expect(m.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text", text: "Promotion requested: credit v3" } });
    const all = texts(m.blocks);
    for (const s of ["credit v3", "endpoint credit-prod (production)", "eng@example.com", "better AUC on the March data", "0 of 1 needed", "vs the champion, credit v2"]) expect(all).toContain(s);
    // the better value in bold: higher AUC, lower loss
    const metrics = m.blocks.find((b) => JSON.stringify(b).includes("*Metrics*"))!;
    expect((metrics.fields as { text: string }[]).map((f) => f.text)).toEqual(["`auc`\n*0.8* vs 0.78", "`logloss`\n*0.41* vs 0.45"]);
    expect(all).toContain("✅ *metric auc &gt;= champion - 0.005* — 0.8 ≥ 0.775");
    expect(all).toContain("❌ *signature* — input age: float32 → float64");
    expect(m.text).toMatch(/^Promotion requested: credit v3 → endpoint credit-prod/);
  });

  it("has Approve and Reject buttons carrying the promotion id, Reject asking first, and a link to the promotion", () => {
    const buttons = actionsOf(promotionRequestedMessage(event(), { appUrl: `${APP}/` }).blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([SLACK_ACTIONS.approve, SLACK_ACTIONS.reject, SLACK_ACTIONS.open]);
    expect(buttons[0]).toMatchObject({ value: "prom_1", style: "primary" });
    expect(buttons[1]).toMatchObject({ value: "prom_1", style: "danger", confirm: { confirm: { text: "Reject" }, deny: { text: "Keep it" } } });
    expect(buttons[2].url).toBe(`${APP}/t/demo/promotions/prom_1`);
  });

  it("escapes what people typed, so a reason cannot mention @channel or fake a link", () => {
    const m = promotionRequestedMessage(event({ reason: "<!channel> see <https://evil.example|here> & more" }), { appUrl: APP });
    const all = texts(m.blocks);
    expect(all).toContain("&lt;!channel&gt; see &lt;https://evil.example|here&gt; &amp; more");
    expect(all).not.toContain("<!channel>");
  });

  it("stays within Slack's limits however long the input", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`metric_${i}`, i / 7]));
    const checks = Array.from({ length: 40 }, (_, i) => ({ name: `check ${i} ${"x".repeat(200)}`, passed: i % 2 === 0, detail: "d".repeat(1000) }));
    const m = promotionRequestedMessage(event({ reason: "r".repeat(10_000), metrics: many, champion: many, checks }), { appUrl: APP });
    for (const b of m.blocks) {
      const text = (b.text as { text?: string } | undefined)?.text ?? "";
      expect(text.length).toBeLessThanOrEqual(b.type === "header" ? 150 : 3000);
      const fields = (b.fields ?? []) as { text: string }[];
      expect(fields.length).toBeLessThanOrEqual(10);
    }
    expect(texts(m.blocks)).toContain("…and 21 more in Switchyard");
    // the interaction payload Slack sends back carries the message: it must fit the endpoint's 64 KiB limit
    expect(JSON.stringify(m).length).toBeLessThan(12_000);
  });

  it("says so when no champion serves yet", () => {
    const m = promotionRequestedMessage(event({ champion: null }), { appUrl: APP });
    expect(texts(m.blocks)).toContain("no champion serves yet");
  });

  it("refuses event data that is not a promotion's, naming the field", () => {
    expect(() => promotionRequestedMessage({ id: "e", type: "promotion.requested", createdAt: "", team: "demo", data: { promotionId: 1 } }, { appUrl: APP })).toThrow(/data\.promotionId/);
  });
});

describe("the decided message that replaces it", () => {
  it("keeps the facts, drops Approve / Reject and says who approved", () => {
    const m = promotionDecidedMessage(promotion({ status: "deploying", approvals: [{ userLabel: "ana@example.com", decision: "approve", comment: "via Slack" }] }), { appUrl: APP });
    expect(texts(m.blocks)).toContain("✅ Approved by ana@example.com — deploying");
    expect(texts(m.blocks)).toContain("better AUC on the March data");
    expect(actionsOf(m.blocks).map((b) => b.action_id)).toEqual([SLACK_ACTIONS.open]);
    expect(m.text).toContain("Approved by ana@example.com — deploying");
  });

  it("says who rejected and why (leaving out the comment Slack clicks carry)", () => {
    const withComment = promotionDecidedMessage(promotion({ status: "rejected", approvals: [{ userLabel: "ana@example.com", decision: "reject", comment: "AUC <0.9" }] }), { appUrl: APP });
    expect(texts(withComment.blocks)).toContain("❌ Rejected by ana@example.com: AUC &lt;0.9");
    const fromSlack = promotionDecidedMessage(promotion({ status: "rejected", approvals: [{ userLabel: "ana@example.com", decision: "reject", comment: "via Slack" }] }), { appUrl: APP });
    expect(texts(fromSlack.blocks)).toContain("❌ Rejected by ana@example.com\"");
  });

  it("says 'already' when the click came after the decision", () => {
    const m = promotionDecidedMessage(promotion({ status: "deploying", approvals: [{ userLabel: "bo@example.com", decision: "approve", comment: "" }] }), { appUrl: APP, already: true });
    expect(texts(m.blocks)).toContain("✅ Already approved by bo@example.com — deploying");
  });

  it("keeps the buttons while more approvals are needed", () => {
    const m = promotionDecidedMessage(promotion({ requiredApprovals: 2, approvals: [{ userLabel: "ana@example.com", decision: "approve", comment: "" }] }), { appUrl: APP });
    expect(texts(m.blocks)).toContain("👍 Approved by ana@example.com — 1 of 2 approvals; waiting for another approver");
    expect(actionsOf(m.blocks).map((b) => b.action_id)).toEqual([SLACK_ACTIONS.approve, SLACK_ACTIONS.reject, SLACK_ACTIONS.open]);
  });

  it("names closed states with their reason", () => {
    const stale = promotionDecidedMessage(promotion({ status: "stale", statusReason: "the live routing changed" }), { appUrl: APP, already: true });
    expect(texts(stale.blocks)).toContain("⏹ Already stale: the live routing changed");
    const expired = promotionDecidedMessage(promotion({ status: "expired", statusReason: "nobody decided within its 72 h" }), { appUrl: APP });
    expect(texts(expired.blocks)).toContain("⏹ Expired: nobody decided within its 72 h");
  });
});
