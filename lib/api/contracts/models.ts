import { z } from "zod";
import { defineContract } from "../contract";
import { promotionAccepted } from "./promotions";
import { dbInt, dbText, modelParams, named, signatureSchema, slugName, versionParams } from "./shared";

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
  createdBy: z.string(),
  createdAt: z.string(),
}));

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
  response: z.object({ models: z.array(modelView) }),
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
  },
  response: versionView.extend({ model: z.string() }),
  status: 201,
  fieldsIn: "metadata",
});

export const listVersions = defineContract({
  method: "GET",
  path: "/api/v1/models/{model}/versions",
  summary: "List a model's versions, newest first",
  tag: "versions",
  auth: { action: "model.read" },
  params: modelParams,
  response: z.object({ versions: z.array(versionView) }),
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
