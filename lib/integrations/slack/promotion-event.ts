// What a Slack message reads of a promotion event's `data.promotion` (lib/governance/transition.ts,
// promotionEventData). Parsed rather than trusted: the data comes back out of a JSON column (a
// delivery's payload), possibly written by an older version.
import { z } from "zod";
import type { promotionEventData } from "../../governance/transition";

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
export type PromotionEvent = z.infer<typeof promotionEventSchema>;

/** The envelope every channel receives (lib/notifications/event-types.ts). */
export type EnvelopeLike = { id: string; type: string; createdAt: string; team: string; data: { [key: string]: unknown } };

/** `data.promotion` of a promotion.* envelope; throws naming the field when it is not one. */
export function promotionOf(envelope: EnvelopeLike): PromotionEvent {
  const r = promotionEventSchema.safeParse(envelope.data.promotion);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new Error(`event ${envelope.type} (${envelope.id}): data.promotion.${i.path.join(".")}: ${i.message}`);
}

// promotionEventData must keep giving what the message reads: this fails to compile when it stops.
type Fits<T extends U, U> = T;
type _Emitted = Fits<ReturnType<typeof promotionEventData>["promotion"], z.input<typeof promotionEventSchema>>;
