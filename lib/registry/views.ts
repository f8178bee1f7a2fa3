import { readJson } from "../db/json";
import { signatureSchema } from "../onnx/signature";
import { metricsSchema, paramsSchema } from "./version-metadata";

type VersionRow = {
  id: string; number: number; sha256: string; sizeBytes: number; signature: unknown; metrics: unknown; params: unknown;
  tags: string[]; dataset: string | null; description: string; source: string; createdBy: string; createdAt: Date;
  archivedAt: Date | null; archivedBy: string | null;
  parent?: { number: number } | null; aliases?: { name: string }[]; referenceProfile?: unknown;
  referenceSha256?: string | null; referenceRows?: number | null; referenceSampledFrom?: number | null;
};

/** The version's reference data for drift reports: the stored file's sha256, rows kept, rows pushed. */
export function toReferenceView(v: Pick<VersionRow, "referenceSha256" | "referenceRows" | "referenceSampledFrom">) {
  return v.referenceSha256 ? { sha256: v.referenceSha256, rows: v.referenceRows ?? 0, sampledFrom: v.referenceSampledFrom ?? v.referenceRows ?? 0 } : null;
}

export function toVersionView(v: VersionRow) {
  return {
    number: v.number,
    sha256: v.sha256,
    sizeBytes: v.sizeBytes,
    signature: readJson(signatureSchema, v.signature, "signature"),
    metrics: readJson(metricsSchema, v.metrics, "metrics"),
    params: readJson(paramsSchema, v.params, "params"),
    tags: v.tags,
    dataset: v.dataset,
    description: v.description,
    source: v.source,
    parentVersion: v.parent?.number ?? null,
    aliases: (v.aliases ?? []).map((a) => a.name).sort(),
    hasReferenceProfile: v.referenceProfile != null,
    reference: toReferenceView(v),
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
    archivedAt: v.archivedAt?.toISOString() ?? null,
    archivedBy: v.archivedBy,
  };
}
export type VersionView = ReturnType<typeof toVersionView>;

type ModelRow = {
  id: string; name: string; task: string; description: string; latestVersion: number; createdBy: string; createdAt: Date;
  aliases?: { name: string; version: { number: number } }[];
};

export function toModelView(m: ModelRow) {
  return {
    name: m.name,
    task: m.task,
    description: m.description,
    latestVersion: m.latestVersion || null,
    aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.name, a.version.number])),
    createdBy: m.createdBy,
    createdAt: m.createdAt.toISOString(),
  };
}
export type ModelView = ReturnType<typeof toModelView>;

export const VERSION_INCLUDE = { parent: { select: { number: true } }, aliases: { select: { name: true } } } as const;
export const MODEL_INCLUDE = { aliases: { select: { name: true, version: { select: { number: true } } } } } as const;
