import { z } from "zod";

const featureValues = z.array(z.union([z.number(), z.string()]));

/** The stored shapes of `ModelVersion.metrics` and `ModelVersion.params`. */
export const metricsSchema = z.record(z.string(), z.number());
export const paramsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const versionMetadataSchema = z
  .object({
    metrics: metricsSchema.default({}),
    params: paramsSchema.default({}),
    tags: z.array(z.string().min(1).max(64)).max(50).default([]),
    dataset: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    parentVersion: z.number().int().positive().optional(),
    /** Column-wise reference rows ({feature: [values]}); Switchyard builds the profile from them. */
    referenceData: z.record(z.string(), featureValues).optional(),
    /** Or a profile built elsewhere, stored as given. */
    referenceProfile: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type VersionMetadata = z.infer<typeof versionMetadataSchema>;
