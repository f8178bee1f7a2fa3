import { z } from "zod";
import { defineContract } from "../contract";
import { dbIntParam, dbText, named } from "./shared";
import { AUDIT_EXPORT_FORMATS } from "../../audit/export-audit";
import { CHAIN_FAULTS } from "../../audit/chain-faults";

export const auditEventView = named("AuditEvent", z.object({
  id: z.string(),
  actorType: z.string(),
  actorLabel: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.string(),
}));

export const listAudit = defineContract({
  method: "GET",
  path: "/api/v1/audit",
  summary: "Audit events, newest first, filterable",
  tag: "audit",
  auth: { action: "audit.read" },
  query: z.object({
    action: dbText.optional(),
    resourceType: dbText.optional(),
    actor: dbText.optional(),
    before: z.string().datetime().optional(),
    limit: dbIntParam.min(1).max(500).default(100),
  }),
  response: z.object({ events: z.array(auditEventView), nextBefore: z.string().nullable() }),
});

export const auditChainReport = named("AuditChainReport", z.object({
  ok: z.boolean(),
  events: z.number().int().describe("events that verified, in seq order, before the first that does not"),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable().describe("the last event that verified: keep it elsewhere to show later that nothing was cut off the end"),
  firstBad: z.object({
    id: z.string(),
    seq: z.number().int().nullable(),
    reason: z.enum(CHAIN_FAULTS),
  }).nullable().describe("the first event that does not verify; null when the whole chain does"),
}));

export const verifyAudit = defineContract({
  method: "GET",
  path: "/api/v1/audit/verify",
  summary: "Re-computes the team's audit hash chain and names the first event that does not verify",
  tag: "audit",
  auth: { action: "audit.verify" },
  response: auditChainReport,
});

export const exportAudit = defineContract({
  method: "GET",
  path: "/api/v1/audit/export",
  summary: "The team's whole audit, oldest first, as a download: JSON Lines (default) or CSV, with seq, prevHash and hash to verify the chain offline",
  tag: "audit",
  auth: { action: "audit.read" },
  query: z.object({ format: z.enum(AUDIT_EXPORT_FORMATS).default("jsonl") }),
  produces: ["application/x-ndjson", "text/csv"],
});
