// An endpoint's routing: which model versions answer, with what share, in what role, where.
import { z } from "zod";

// maxQueueDelayMs 0 batches eagerly: whatever arrived while the previous batch ran (session.run
// blocks the worker's event loop) goes into the next one, and a lone request never waits.
export const batchingSchema = z.object({
  maxBatch: z.number().int().min(1).max(1024).default(64),
  maxQueueDelayMs: z.number().min(0).max(100).default(0),
});
export type Batching = z.infer<typeof batchingSchema>;
export const DEFAULT_BATCHING: Batching = { maxBatch: 64, maxQueueDelayMs: 0 };

export const ROLES = ["primary", "canary", "shadow"] as const;
export const DEVICES = ["cpu", "gpu"] as const;
export type VariantRole = (typeof ROLES)[number];
export type Device = (typeof DEVICES)[number];

export type Variant = {
  /** stable within an endpoint: `<model>-v<version>` */
  name: string;
  model: string;
  version: number;
  versionId: string;
  sha256: string;
  weight: number;
  role: VariantRole;
  device: Device;
  replicas: number;
  batching: Batching;
};

export type Sticky = { header?: string; field?: string } | null;
export type Routing = { variants: Variant[]; sticky: Sticky };

export const EMPTY_ROUTING: Routing = { variants: [], sticky: null };

export const variantName = (model: string, version: number) => `${model}-v${version}`;

/** Variants that answer requests (shadows only get copies). */
export const servingVariants = (r: Routing) => r.variants.filter((v) => v.role !== "shadow" && v.weight > 0);
export const shadowVariants = (r: Routing) => r.variants.filter((v) => v.role === "shadow");

export function asRouting(json: unknown): Routing {
  const r = (json ?? {}) as Partial<Routing>;
  return { variants: r.variants ?? [], sticky: r.sticky ?? null };
}
