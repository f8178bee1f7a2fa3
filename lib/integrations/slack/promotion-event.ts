// What a Slack message reads of a promotion event's `data.promotion` (lib/governance/transition.ts,
// promotionEventData). Parsed rather than trusted: the data comes back out of a JSON column (a
// delivery's payload), possibly written by an older version.
import { z } from "zod";
import type { promotionEventData } from "../../governance/transition";

/** What a Slack message shows of a promotion. */
export const promotionEventSchema = z.object({
  id: z.string(),
  status: z.string(),
  statusReason: z.string().nullable().default(null),
  environment: z.string(),
  target: z.string(),
  model: z.string().nullable(),
  version: z.number().nullable(),
  champion: z.object({ model: z.string(), version: z.number() }).nullable().default(null),
  reason: z.string().default(""),
  requestedBy: z.string(),
  metrics: z.array(z.object({ name: z.string(), value: z.number().nullable(), champion: z.number().nullable() })).default([]),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })).default([]),
  approvals: z.array(z.object({ by: z.string(), decision: z.string(), comment: z.string() })).default([]),
  requiredApprovals: z.number(),
  path: z.string(),
});

/** The flat `data` of a promotion.* event, as promotionEventData writes it. */
export const promotionDataSchema = z.object({
  promotionId: z.string(),
  status: z.string(),
  statusReason: z.string().nullable().default(null),
  environment: z.string(),
  endpoint: z.string().optional(),
  alias: z.string().optional(),
  model: z.string().nullable().default(null),
  version: z.number().nullable().default(null),
  champion: z.object({ model: z.string(), version: z.number() }).nullable().default(null),
  requestReason: z.string().default(""),
  requestedBy: z.string(),
  metrics: promotionEventSchema.shape.metrics,
  checks: promotionEventSchema.shape.checks,
  approvals: promotionEventSchema.shape.approvals,
  requiredApprovals: z.number(),
});

/** A promotion event's data (and its team, for the link), as the message reads it; throws naming the field when it is not one. */
export function promotionFromData(data: unknown, team: string, what = "promotion data"): PromotionEvent {
  const r = promotionDataSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${what}: data.${i.path.join(".")}: ${i.message}`);
  }
  const d = r.data;
  return {
    id: d.promotionId, status: d.status, statusReason: d.statusReason, environment: d.environment,
    target: d.endpoint ? `endpoint ${d.endpoint}` : `alias ${d.alias ?? "?"}`,
    model: d.model, version: d.version, champion: d.champion, reason: d.requestReason, requestedBy: d.requestedBy,
    metrics: d.metrics, checks: d.checks, approvals: d.approvals, requiredApprovals: d.requiredApprovals,
    path: `/t/${encodeURIComponent(team)}/promotions/${encodeURIComponent(d.promotionId)}`,
  };
}
export type PromotionEvent = z.infer<typeof promotionEventSchema>;

/** The envelope every channel receives (lib/notifications/event-types.ts). */
export type EnvelopeLike = { id: string; type: string; createdAt: string; team: string; data: { [key: string]: unknown } };

/** The promotion of a promotion.* envelope; throws naming the field when its data is not one. */
export function promotionOf(envelope: EnvelopeLike): PromotionEvent {
  return promotionFromData(envelope.data, envelope.team, `event ${envelope.type} (${envelope.id})`);
}

// promotionEventData must keep giving what the message reads: this fails to compile when it stops.
type Fits<T extends U, U> = T;
type _Emitted = Fits<ReturnType<typeof promotionEventData>, z.input<typeof promotionDataSchema>>;
