import { z } from "zod";
import { defineContract } from "../contract";
import { dbIntParam, dbText, named, slugName } from "./shared";
import { featureDriftSchema } from "../../monitoring/drift/drift-result";
import { driftThresholdsSchema } from "../../monitoring/drift/drift-thresholds";
import { featureHistogramSchema } from "../../monitoring/drift/feature-histograms";
import { driftScheduleSchema } from "../../monitoring/drift/drift-settings";
import { MAX_REPORT_WINDOW_DAYS } from "../../monitoring/drift/request-drift-report";
import { DRIFT_REPORT_STATUSES } from "../../monitoring/drift/report-status";

const params = z.object({ endpoint: slugName });
const feature = named("FeatureDrift", featureDriftSchema);

const reportFields = {
  id: z.string(),
  endpoint: z.string(),
  status: z.enum(DRIFT_REPORT_STATUSES),
  from: z.string(), to: z.string(),
  version: z.number().int().nullable().describe("the version whose rows were read; null: every served row"),
  reference: z.object({ model: z.string(), version: z.number().int() }).describe("whose reference data the rows were compared with"),
  scheduled: z.boolean(),
  requestedBy: z.string(),
  rows: z.object({ reference: z.number().int().nullable(), current: z.number().int().nullable().describe("served rows in the window (0: nothing was logged there, and no statistics are invented)") }),
  datasetDrift: z.object({ share: z.number().nullable(), drifted: z.boolean() }).nullable().describe("share: drifted columns / tested columns; drifted when share ≥ the endpoint's datasetShare (0.5)"),
  features: z.array(feature).describe("every input column, most drifted first"),
  prediction: feature.nullable().describe("the model's first output, when the reference data holds that column"),
  notes: z.array(z.string()).describe("what a reader should know: an empty window, a sampled window or reference, no prediction to compare"),
  timings: z.object({ readMs: z.number(), computeMs: z.number(), totalMs: z.number(), referenceMs: z.number() }).partial().nullable().describe("where the time went"),
  error: z.string().nullable().describe("why a failed report failed"),
  createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(),
};
const report = named("DriftReport", z.object(reportFields));

export const requestDriftReport = defineContract({
  method: "POST", path: "/api/v1/endpoints/{endpoint}/drift-reports",
  summary: `Queues a drift report: the endpoint's served inputs logged in [from, to) (at most ${MAX_REPORT_WINDOW_DAYS} days) against a version's reference data. 422 when that version has no reference data`,
  tag: "monitoring", status: 202,
  auth: { action: "drift.request" }, params,
  body: z.object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    version: dbIntParam.positive().optional().describe("read only this version's rows and compare with its reference; default: every served row, against the reference of the version with the largest share of traffic now"),
  }).strict(),
  response: z.object({ id: z.string(), status: z.enum(DRIFT_REPORT_STATUSES) }).passthrough(),
});

export const getDriftReport = defineContract({
  method: "GET", path: "/api/v1/drift-reports/{id}",
  summary: "One drift report: its status and, once it succeeded, every statistic (README, Drift statistics) and the histograms of each column",
  tag: "monitoring",
  auth: { action: "endpoint.read" }, params: z.object({ id: dbText.min(1).max(100) }),
  response: report.extend({ histograms: z.record(z.string(), featureHistogramSchema).optional() }),
});

export const listDriftReports = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/drift-reports",
  summary: "The endpoint's drift reports, newest first, by cursor",
  tag: "monitoring",
  auth: { action: "endpoint.read" }, params, fieldsIn: "query",
  query: z.object({ limit: dbIntParam.min(1).max(100).default(20), cursor: dbText.max(500).optional() }),
  response: z.object({ endpoint: z.string(), reports: z.array(report), nextCursor: z.string().nullable() }),
});

const settings = z.object({
  endpoint: z.string(),
  thresholds: driftThresholdsSchema,
  schedule: driftScheduleSchema.nullable(),
  updatedBy: z.string().nullable(), updatedAt: z.string().nullable(),
});

export const getDriftSettings = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/drift-settings",
  summary: "The endpoint's drift thresholds (Evidently's defaults where not set) and report schedule",
  tag: "monitoring",
  auth: { action: "endpoint.read" }, params,
  response: settings,
});

export const updateDriftSettings = defineContract({
  method: "PUT", path: "/api/v1/endpoints/{endpoint}/drift-settings",
  summary: "Sets the thresholds (any subset; the rest keep their defaults) and the schedule (null: none). A schedule needs reference data for the endpoint's primary version",
  tag: "monitoring",
  auth: { action: "drift.manage" }, params,
  body: z.object({ thresholds: driftThresholdsSchema.partial().optional(), schedule: driftScheduleSchema.nullable().optional() }).strict(),
  response: settings,
});
