import { z } from "zod";
import { defineContract } from "../contract";
import { dbIntParam, dbText, named, slugName } from "./shared";
import { DEPLOYMENT_STATUSES, DEPLOYMENT_STRATEGIES } from "../../serving/shared/deployment-status";
import { ROLES as VARIANT_ROLES } from "../../serving/shared/routing";
import { VARIANT_DEVICES } from "../../serving/shared/devices";
import { ENVIRONMENTS } from "../../serving/shared/environments";

const historyEntry = named("RoutingHistoryEntry", z.object({
  id: z.string().describe("stable id of this entry; pass it as cursor to read the entries before it"),
  from: z.string().describe("when this routing started to serve"),
  until: z.string().nullable().describe("when it stopped; null while it serves"),
  current: z.boolean(),
  change: z.enum(["initial", "canary_step", "switch", "restore"])
    .describe("initial: served before any recorded deployment; canary_step: a canary's mix during one step; switch: a deployment's target routing; restore: the routing a failed or rolled-back deployment put back"),
  percent: z.number().nullable().describe("canary_step: the share on the new variants"),
  routing: z.object({
    sticky: z.object({ header: z.string().optional(), field: z.string().optional() }).nullable(),
    variants: z.array(z.object({ name: z.string(), model: z.string(), version: z.number(), weight: z.number(), role: z.enum(VARIANT_ROLES), device: z.enum(VARIANT_DEVICES), replicas: z.number() })),
  }),
  deployment: z.object({
    id: z.string(), strategy: z.enum(DEPLOYMENT_STRATEGIES), status: z.enum(DEPLOYMENT_STATUSES), reason: z.string(),
    outcomeReason: z.string().nullable().describe("why it rolled back or failed"),
    createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
  }).nullable().describe("the deployment that put this routing in place; null for the initial one"),
  requestedBy: z.string().nullable().describe("who asked: the promotion's requester, or who changed the traffic"),
  onBehalfOf: z.string().nullable().describe("when a token requested the promotion: the person who created it"),
  approvedBy: z.array(z.object({ by: z.string(), comment: z.string(), via: z.string(), at: z.string() })).describe("the promotion's approvals that stood (not voided)"),
  promotionId: z.string().nullable(),
}));

export const endpointHistory = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/history",
  summary: "What served the endpoint and when: every routing it has had, newest first, with who asked, who approved and the deployment's outcome; ?at= answers what served at one moment (404 when nothing did)",
  tag: "endpoints",
  auth: { action: "endpoint.read" }, params: z.object({ endpoint: slugName }),
  query: z.object({
    at: z.iso.datetime({ offset: true }).optional().describe("an ISO time (not in the future): answers the one entry that served then"),
    limit: dbIntParam.min(1).max(200).default(50),
    cursor: dbText.max(200).optional().describe("the nextCursor of the page before"),
  }),
  response: z.object({ endpoint: z.string(), environment: z.enum(ENVIRONMENTS), entries: z.array(historyEntry), nextCursor: z.string().nullable() }),
  fieldsIn: "query",
});
