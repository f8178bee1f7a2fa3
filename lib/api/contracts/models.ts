import { z } from "zod";
import { defineContract } from "../contract";
import { promotionAccepted } from "./promotions";
import { dbInt, dbIntParam, dbText, modelParams, named, signatureSchema, slugName, versionParams } from "./shared";
import { DEFAULT_VERSION_SORT, MODEL_SORTS, VERSION_SORT } from "../../registry/list-sorts";
import { parseMetricFilters } from "../../registry/metric-filter";

export const modelView = named("Model", z.object({
  name: z.string(),
  task: z.string(),
  description: z.string(),
  latestVersion: z.number().nullable(),
  aliases: z.record(z.string(), z.number()),
  createdBy: z.string(),
  createdAt: z.string(),
}));

export const versionView = named("ModelVersion", z.object({
  number: z.number(),
  sha256: z.string(),
  sizeBytes: z.number(),
  signature: signatureSchema,
  metrics: z.record(z.string(), z.number()),
  params: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  dataset: z.string().nullable(),
  description: z.string(),
  source: z.string(),
  parentVersion: z.number().nullable(),
  aliases: z.array(z.string()),
  hasReferenceProfile: z.boolean(),
  reference: z.object({
    sha256: z.string().describe("the stored reference file's sha256 (its column-wise form, not the pushed file)"),
    rows: z.number().describe("rows kept for drift reports (at most 100,000)"),
    sampledFrom: z.number().describe("rows pushed: more than `rows` when a seeded uniform sample was kept"),
  }).nullable().describe("the reference data drift reports compare against; null: none (push it with the `reference` part, or PUT …/versions/{n}/reference)"),
  createdBy: z.string(),
  createdAt: z.string(),
  archivedAt: z.string().nullable().describe("when the version was archived: it can no longer be routed or promoted"),
  archivedBy: z.string().nullable(),
}));

const tagParam = dbText.min(1).max(64);

const REFERENCE_PART = "reference data for drift reports: CSV with a header, or JSON Lines (one object per row; the file's first character is `{`), UTF-8. " +
  "One column per model input, checked against the input's type (400 naming the row and column); other columns are ignored; an empty cell, null or an absent key is a missing value. " +
  "Up to 100,000 rows are kept; beyond that a uniform sample seeded by the file's sha256. Checked in a separate process with time and memory limits (REFERENCE_CHECK_TIMEOUT_MS, REFERENCE_CHECK_MAX_MEMORY_MB); at most MAX_REFERENCE_BYTES";
const pageParams = {
  cursor: dbText.max(500).optional().describe("`nextCursor` of the page before (opaque; keep the same sort and filters)"),
  limit: dbIntParam.min(1).max(200).default(50),
};

export const createModel = defineContract({
  method: "POST",
  path: "/api/v1/models",
  summary: "Register a model",
  tag: "models",
  auth: { action: "model.create" },
  body: z.object({ name: slugName, task: dbText.min(1).max(64).default("binary_classification"), description: dbText.max(2000).optional() }).strict(),
  response: modelView,
  status: 201,
});

export const listModels = defineContract({
  method: "GET",
  path: "/api/v1/models",
  summary: "List the team's models",
  tag: "models",
  auth: { action: "model.read" },
  query: z.object({
    q: dbText.max(100).optional().describe("part of the name or description, any case"),
    tag: tagParam.optional().describe("models with an unarchived version carrying this tag"),
    sort: z.enum(MODEL_SORTS).default("name").describe("a leading - sorts descending"),
    ...pageParams,
  }),
  response: z.object({ models: z.array(modelView), nextCursor: z.string().nullable().describe("null on the last page") }),
  fieldsIn: "query",
});

export const getModel = defineContract({
  method: "GET",
  path: "/api/v1/models/{model}",
  summary: "Show a model",
  tag: "models",
  auth: { action: "model.read" },
  params: modelParams,
  response: modelView,
});

export const createVersion = defineContract({
  method: "POST",
  path: "/api/v1/models/{model}/versions",
  summary: "Upload an ONNX file as the model's next version",
  tag: "versions",
  auth: { action: "version.push" },
  params: modelParams,
  multipart: {
    file: { type: "file", description: "the ONNX model; validated by static checks (declared tensor sizes, node count), then by loading it in onnxruntime in a separate process with time and memory limits (422 naming the limit)" },
    metadata: { type: "json", description: "metrics, params, tags, dataset, description, parentVersion, referenceData or referenceProfile" },
    reference: { type: "file", optional: true, description: REFERENCE_PART },
  },
  response: versionView.extend({ model: z.string() }),
  status: 201,
  fieldsIn: "metadata",
});

export const setReference = defineContract({
  method: "PUT",
  path: "/api/v1/models/{model}/versions/{n}/reference",
  summary: "Give a version its reference data for drift reports, or replace it",
  tag: "versions",
  auth: { action: "version.push" },
  params: versionParams,
  multipart: { reference: { type: "file", description: REFERENCE_PART } },
  response: versionView,
});

export const listVersions = defineContract({
  method: "GET",
  path: "/api/v1/models/{model}/versions",
  summary: "List a model's versions, newest first unless sorted otherwise",
  tag: "versions",
  auth: { action: "model.read" },
  params: modelParams,
  query: z.object({
    tag: tagParam.optional(),
    metric: dbText.max(1000).optional()
      .describe('metric filters, all of which must hold, separated by commas: "auc>0.77,logloss<=0.5" (operators > >= < <= =)')
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const r = parseMetricFilters(text);
        if ("error" in r) { ctx.addIssue({ code: "custom", message: r.error }); return z.NEVER; }
        return r.filters;
      }),
    sort: dbText.max(120).regex(VERSION_SORT, 'sort by number, createdAt or metrics.<name>, with a leading - for descending (e.g. "-metrics.auc")').default(DEFAULT_VERSION_SORT),
    archived: z.enum(["true", "false"]).optional().describe("true: archived versions are listed too").transform((v) => v === "true"),
    ...pageParams,
  }),
  response: z.object({ versions: z.array(versionView), nextCursor: z.string().nullable().describe("null on the last page") }),
  fieldsIn: "query",
});

export const getVersion = defineContract({
  method: "GET",
  path: "/api/v1/models/{model}/versions/{n}",
  summary: "Show one version",
  tag: "versions",
  auth: { action: "model.read" },
  params: versionParams,
  response: versionView,
});

export const updateVersion = defineContract({
  method: "PATCH",
  path: "/api/v1/models/{model}/versions/{n}",
  summary: "Change a version's description or tags (what was pushed — file, metrics, params, lineage — stays)",
  tag: "versions",
  auth: { action: "version.push" },
  params: versionParams,
  body: z.object({
    description: dbText.max(2000).optional(),
    tags: z.array(tagParam).max(50).optional().describe("replaces the version's tags"),
  }).strict().refine((b) => b.description !== undefined || b.tags !== undefined, { message: "give description, tags or both" }),
  response: versionView,
});

const archiveState = (verb: "archive" | "unarchive", summary: string) => defineContract({
  method: "POST",
  path: `/api/v1/models/{model}/versions/{n}/${verb}` as const,
  summary,
  tag: "versions",
  auth: { action: "version.push" },
  params: versionParams,
  response: versionView,
});

export const archiveVersion = archiveState("archive", "Archive a version: it stays (artifact included) but can no longer be routed or promoted; 409 while an endpoint routes it");
export const unarchiveVersion = archiveState("unarchive", "Unarchive a version: it can be routed and promoted again");

export const downloadArtifact = defineContract({
  method: "GET",
  path: "/api/v1/models/{model}/versions/{n}/artifact",
  summary: "Download the version's ONNX file",
  tag: "versions",
  auth: { action: "model.read" },
  params: versionParams,
  produces: "application/octet-stream",
});

export const setAlias = defineContract({
  method: "PUT",
  path: "/api/v1/models/{model}/aliases/{alias}",
  summary: "Point an alias (champion, challenger, any name) at a version; a protected alias answers 202 with the promotion that will move it",
  tag: "versions",
  auth: { action: "alias.set" },
  params: z.object({ model: slugName, alias: slugName }),
  body: z.object({ version: dbInt.positive() }).strict(),
  response: z.object({ model: z.string(), alias: z.string(), version: z.number() }),
  accepted: { response: promotionAccepted, description: "the alias is protected by the production release policy: the promotion that will move it once approved" },
});
