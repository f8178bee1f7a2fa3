import { z } from "zod";
import { defineContract } from "../contract";
import { dbIntParam, dbText, named } from "./shared";

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
