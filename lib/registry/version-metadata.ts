import { z } from "zod";
import { dbInt, dbJson, dbText } from "../db/stored-values";

const featureValues = z.array(z.union([z.number(), dbText]));

/** The stored shapes of `ModelVersion.metrics` and `ModelVersion.params`. */
export const metricsSchema = z.record(dbText, z.number());
export const paramsSchema = z.record(dbText, z.union([dbText, z.number(), z.boolean(), z.null()]));

export const versionMetadataSchema = z
  .object({
    metrics: metricsSchema.default({}),
    params: paramsSchema.default({}),
    tags: z.array(dbText.min(1).max(64)).max(50).default([]),
    dataset: dbText.min(1).max(200).optional(),
    description: dbText.max(2000).optional(),
    parentVersion: dbInt.positive().optional(),
    /** Column-wise reference rows ({feature: [values]}); Switchyard builds the profile from them. */
    referenceData: z.record(dbText, featureValues).optional(),
    /** Or a profile built elsewhere, stored as given. */
    referenceProfile: z.record(dbText, dbJson).optional(),
  })
  .strict();

export type VersionMetadata = z.infer<typeof versionMetadataSchema>;
