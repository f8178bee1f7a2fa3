import { z } from "zod";
import { defineContract } from "../contract";
import { dbInt, dbIntParam, dbText, named, slugName } from "./shared";
import { trafficRequestSchema } from "../../serving/control/endpoints/traffic-request";
import { evidenceSchema } from "../../governance/evidence";
import { PROMOTION_KINDS, PROMOTION_STATUSES } from "../../governance/promotion-status";
import { policyRulesSchema } from "../../governance/policy-rules";
import { ENVIRONMENTS } from "../../serving/shared/environments";
import { DEPLOYMENT_STATUSES, DEPLOYMENT_STRATEGIES } from "../../serving/shared/deployment-status";

named("Evidence", evidenceSchema);
export const policyRules = named("PolicyRules", policyRulesSchema);

export const promotionView = named("Promotion", z.object({
  id: z.string(), kind: z.enum(PROMOTION_KINDS), status: z.enum(PROMOTION_STATUSES),
  statusReason: z.string().nullable().describe("blocked: the failed checks; stale: what changed; rejected, failed, rolled_back: why"),
  environment: z.enum(ENVIRONMENTS), endpoint: z.string().nullable(), model: z.string().nullable(), version: z.number().nullable(), alias: z.string().nullable(),
  request: z.record(z.string(), z.unknown()).describe("the traffic request (as PUT …/traffic takes it) or {alias, version}"),
  reason: z.string(), requestedBy: z.string(), onBehalfOf: z.string().nullable().describe("for a token: the person who created it"),
  requiredApprovals: z.number(),
  approvals: z.array(z.object({ by: z.string(), decision: z.enum(["approve", "reject"]), comment: z.string(), via: z.string(), evidenceHash: z.string(), at: z.string(), voided: z.boolean() })),
  evidence: evidenceSchema, evidenceHash: z.string().describe("sha256 of the evidence that approvals sign"),
  deployment: z.object({ id: z.string(), status: z.enum(DEPLOYMENT_STATUSES), strategy: z.enum(DEPLOYMENT_STRATEGIES), rollbackReason: z.string().nullable(), error: z.string().nullable() }).nullable(),
  expiresAt: z.string(), createdAt: z.string(), updatedAt: z.string(), finishedAt: z.string().nullable(),
}));
const promotionDetail = named("PromotionDetail", promotionView.extend({
  timeline: z.array(z.object({ at: z.string(), action: z.string(), by: z.string(), status: z.string().nullable(), detail: z.string().nullable() })),
}));
/** What PUT …/traffic (production) and PUT …/aliases/{protected alias} answer instead of acting. */
export const promotionAccepted = named("PromotionAccepted", z.object({ promotion: promotionDetail }));

const reason = dbText.max(500).optional();
export const promotionRequest = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("traffic"), endpoint: slugName, traffic: trafficRequestSchema, reason }).strict(),
  z.object({ kind: z.literal("alias"), model: slugName, alias: slugName, version: dbInt.positive(), reason }).strict(),
]);
const idParams = z.object({ id: dbText.min(1).max(64) });
const decisionBody = z.object({ comment: dbText.max(2000).optional() }).strict();

export const requestPromotion = defineContract({
  method: "POST", path: "/api/v1/promotions", summary: "Request a promotion: a traffic change on an endpoint, or moving a protected alias", tag: "promotions",
  auth: { action: "promotion.request" }, body: promotionRequest, response: promotionDetail, status: 201,
});

export const listPromotions = defineContract({
  method: "GET", path: "/api/v1/promotions", summary: "The team's promotions, newest first", tag: "promotions",
  auth: { action: "promotion.read" },
  query: z.object({
    status: dbText.max(200).optional().describe(`comma-separated statuses: ${PROMOTION_STATUSES.join(", ")}`)
      .transform((s, ctx) => {
        const list = s ? s.split(",").map((x) => x.trim()).filter(Boolean) : [];
        const bad = list.find((x) => !(PROMOTION_STATUSES as readonly string[]).includes(x));
        if (bad) { ctx.addIssue({ code: "custom", message: `unknown status "${bad.slice(0, 40)}"; use ${PROMOTION_STATUSES.join(", ")}` }); return z.NEVER; }
        return list as (typeof PROMOTION_STATUSES)[number][];
      }),
    endpoint: slugName.optional(),
    limit: dbIntParam.min(1).max(200).default(50),
    cursor: dbText.max(64).optional(),
  }),
  response: z.object({ promotions: z.array(promotionView), nextCursor: z.string().nullable() }), fieldsIn: "query",
});

export const getPromotion = defineContract({
  method: "GET", path: "/api/v1/promotions/{id}", summary: "A promotion with its evidence, approvals and timeline", tag: "promotions",
  auth: { action: "promotion.read" }, params: idParams, response: promotionDetail,
});

/** POST /api/v1/promotions/{id}/<verb> {comment}: one shape for the three decisions on a promotion. */
const onPromotion = <V extends string>(verb: V, summary: string, action: "promotion.decide" | "promotion.cancel") =>
  defineContract({
    method: "POST", path: `/api/v1/promotions/{id}/${verb}` as const, summary, tag: "promotions",
    auth: { action }, params: idParams, body: decisionBody, response: promotionDetail,
  });

export const approvePromotion = onPromotion("approve", "Approve (people only, per the policy's role and four-eyes rule)", "promotion.decide");
export const rejectPromotion = onPromotion("reject", "Reject: ends the promotion", "promotion.decide");
export const cancelPromotion = onPromotion("cancel", "Cancel your own promotion before it deploys", "promotion.cancel");

const policyView = named("ReleasePolicy", z.object({
  environment: z.enum(ENVIRONMENTS), rules: policyRules, revision: z.number().describe("0: the defaults, never set"), updatedBy: z.string().nullable(), updatedAt: z.string().nullable(),
}));
const environmentParams = z.object({ environment: z.enum(ENVIRONMENTS) });

export const getPolicy = defineContract({
  method: "GET", path: "/api/v1/policies/{environment}", summary: "The team's release policy for an environment", tag: "promotions",
  auth: { action: "policy.read" }, params: environmentParams, response: policyView,
});

export const putPolicy = defineContract({
  method: "PUT", path: "/api/v1/policies/{environment}", summary: "Replace the release policy (admins); open promotions checked against the old one go stale", tag: "promotions",
  auth: { action: "policy.manage" }, params: environmentParams, body: policyRules, response: policyView,
});
