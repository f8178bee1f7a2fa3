// An endpoint's routing: which model versions answer, with what share, in what role, where.
import { z } from "zod";
import { readJson } from "../../db/json";
import { VARIANT_DEVICES, type VariantDevice } from "./devices";

// maxQueueDelayMs 0 batches eagerly: whatever arrived while the previous batch ran (a version
// runs one batch at a time) goes into the next one, and a lone request never waits.
export const batchingSchema = z.object({
  maxBatch: z.number().int().min(1).max(1024).default(64),
  maxQueueDelayMs: z.number().min(0).max(100).default(0),
});
export type Batching = z.infer<typeof batchingSchema>;
/** Runs in the gateways' own threads (lib/serving/data/inline), not on inference workers. */
export const isInline = (v: Pick<Variant, "placement">) => v.placement === "inline";

export const DEFAULT_BATCHING: Batching = { maxBatch: 64, maxQueueDelayMs: 0 };

export const ROLES = ["primary", "canary", "shadow"] as const;
/** where a variant runs: on inference workers (a hop), or inside each gateway process (small cpu models) */
export const PLACEMENTS = ["worker", "inline"] as const;
export type Placement = (typeof PLACEMENTS)[number];
export const DEVICES = VARIANT_DEVICES;
export type VariantRole = (typeof ROLES)[number];
export type Device = VariantDevice;

export const variantSchema = z.object({
  /** stable within an endpoint: `<model>-v<version>` */
  name: z.string(),
  model: z.string(),
  version: z.number().int(),
  versionId: z.string(),
  sha256: z.string(),
  weight: z.number(),
  role: z.enum(ROLES),
  device: z.enum(VARIANT_DEVICES),
  replicas: z.number().int(),
  batching: batchingSchema.default(DEFAULT_BATCHING),
  /** absent in routings stored before placements existed, and in code that builds one: "worker" */
  placement: z.enum(PLACEMENTS).optional(),
});
export type Variant = z.infer<typeof variantSchema>;

export const stickyKeySchema = z.object({ header: z.string().optional(), field: z.string().optional() }).nullable();
export type Sticky = z.infer<typeof stickyKeySchema>;

/** The stored shape of `Endpoint.routing`, `Deployment.fromRouting` and `Deployment.toRouting`. */
export const routingSchema = z.object({ variants: z.array(variantSchema).default([]), sticky: stickyKeySchema.default(null) });
export type Routing = z.infer<typeof routingSchema>;

export const EMPTY_ROUTING: Routing = { variants: [], sticky: null };

export const variantName = (model: string, version: number) => `${model}-v${version}`;

/** Variants that answer requests (shadows only get copies). */
export const servingVariants = (r: Routing) => r.variants.filter((v) => v.role !== "shadow" && v.weight > 0);
export const shadowVariants = (r: Routing) => r.variants.filter((v) => v.role === "shadow");

/** Reads a stored routing (a JSON column) through its schema. */
export function asRouting(json: unknown): Routing {
  return readJson(routingSchema, json ?? {}, "routing");
}
