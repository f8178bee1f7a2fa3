import { z } from "zod";
import { slugName } from "../../../names";
import { dbInt, dbText } from "../../../db/stored-values";
import { batchingSchema, DEVICES, PLACEMENTS, ROLES } from "../../shared/routing";
import { blueGreenPlanSchema, canaryPlanSchema } from "../deployments/plan";

export const stickySchema = z
  .object({ header: dbText.min(1).max(100).optional(), field: dbText.min(1).max(100).optional() })
  .refine((s) => s.header || s.field, "give a header or a field")
  .nullable();

export const variantRequestSchema = z.object({
  model: slugName.optional(),
  version: dbInt.positive(),
  weight: z.number().min(0).max(100),
  role: z.enum(ROLES).default("primary"),
  device: z.enum(DEVICES).default("cpu"),
  replicas: dbInt.min(1).max(32).default(1),
  batching: batchingSchema.optional(),
  placement: z.enum(PLACEMENTS).optional()
    .describe("default worker. worker: on inference workers; inline: inside each gateway process, no network hop (cpu only, models up to INLINE_MAX_MODEL_MB)"),
});

export const trafficRequestSchema = z
  .object({
    /** default model for variants that do not name one */
    model: slugName.optional(),
    variants: z.array(variantRequestSchema).min(1).max(16),
    sticky: stickySchema.optional(),
    strategy: z.enum(["immediate", "canary", "blue_green"]).default("immediate"),
    canary: canaryPlanSchema.optional(),
    blueGreen: blueGreenPlanSchema.optional(),
    reason: dbText.max(500).optional(),
    /** the endpoint's routingVersion the caller saw: when it has changed since, the change is refused (409) */
    expectedRoutingVersion: dbInt.min(0).optional()
      .describe("the endpoint's routingVersion your split was based on (GET /endpoints/{endpoint}); if the live split has changed since, 409 with the split serving now"),
  })
  .strict();

export type TrafficRequest = z.infer<typeof trafficRequestSchema>;
