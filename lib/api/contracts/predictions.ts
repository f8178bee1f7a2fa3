import { z } from "zod";
import { defineContract } from "../contract";
import { dbIntParam, dbText, named, slugName } from "./shared";
import { SHADOW_FILTERS } from "../../serving/control/predictions/prediction-query";
import { EXPORT_MAX_ROWS, PREDICTION_EXPORT_FORMATS } from "../../serving/control/predictions/export-predictions";

const params = z.object({ endpoint: slugName });

const columns = z.record(z.string(), z.array(z.unknown())).nullable();

export const predictionRecord = named("PredictionRecord", z.object({
  time: z.string(),
  requestId: z.string(),
  variant: z.string(),
  version: z.number().int(),
  status: z.number().int().describe("the HTTP status the request got (below 400: ok)"),
  latencyMs: z.number(),
  shadow: z.boolean().describe("a shadow copy of the request (its answer was not served)"),
  rows: z.number().int(),
  inputs: columns.describe("the request's inputs, column-wise: {feature: [values]}; null when the request had none or they were not sampled"),
  inputsSampled: z.boolean().describe("false: the endpoint's input sampling (prediction-log-settings) left this request's inputs out"),
  outputs: columns,
  error: z.string().nullable(),
}));

/** The filters the list and the export share. */
const filters = {
  from: z.iso.datetime({ offset: true }).optional().describe("ISO time; default: one hour before to"),
  to: z.iso.datetime({ offset: true }).optional().describe("ISO time, exclusive; default: now. from..to spans at most 7 days"),
  variant: dbText.max(100).optional(),
  status: dbText.max(10).optional().describe("ok (status below 400), error (400 and above), or one status code such as 503"),
  shadow: z.enum(SHADOW_FILTERS).default("served").describe("served: the answers clients got (default); shadow: the shadow copies; all: both"),
  minLatencyMs: z.coerce.number().min(0).max(3_600_000).optional().describe("only requests that took at least this long"),
  requestId: dbText.max(200).optional(),
  feature: dbText.max(200).optional().describe("an input column's name; with value, keeps the records whose first value of it equals value"),
  value: dbText.max(1000).optional().describe("matched as a number when it reads as one (42 matches 42 and 42.0), and as text"),
};

export const listPredictions = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/predictions",
  summary: "The endpoint's prediction log, newest first, filtered: time range, variant, status, latency, request id, an input's value; pages by cursor",
  tag: "endpoints",
  auth: { action: "endpoint.read" }, params,
  query: z.object({
    ...filters,
    limit: dbIntParam.min(1).max(500).default(100),
    cursor: dbText.max(200).optional().describe("the nextCursor of the page before (with the same filters, from and to)"),
  }),
  response: z.object({
    endpoint: z.string(),
    from: z.string().describe("the window read: pass from and to back with the cursor"),
    to: z.string(),
    predictions: z.array(predictionRecord),
    nextCursor: z.string().nullable().describe("null: nothing older in the window matches"),
    searchedFrom: z.string().describe("the oldest time this page searched: a page searches for at most about 0.4 s, so a filter that matches rarely may answer fewer records than limit (even none) with a nextCursor to search on from here"),
  }),
  fieldsIn: "query",
});

export const exportPredictions = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/predictions/export",
  summary: `The filtered prediction log as a streamed download, newest first: CSV (one column per input feature, its first value; outputs as JSON) or JSON Lines (one record a line). At most ${EXPORT_MAX_ROWS.toLocaleString("en-US")} records (header x-switchyard-export-max-rows): narrow from/to to export more`,
  tag: "endpoints",
  auth: { action: "endpoint.read" }, params,
  query: z.object({ ...filters, format: z.enum(PREDICTION_EXPORT_FORMATS).default("csv") }),
  produces: ["text/csv", "application/x-ndjson"],
  fieldsIn: "query",
});

const logSettings = named("PredictionLogSettings", z.object({
  endpoint: z.string(),
  logInputs: z.number().describe("share of requests (0…1) whose inputs the prediction log keeps; every request is logged and counted, the others without their inputs"),
}));

export const getPredictionLogSettings = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/prediction-log-settings", summary: "How much of the endpoint's inputs the prediction log keeps", tag: "endpoints",
  auth: { action: "endpoint.read" }, params,
  response: logSettings,
});

export const updatePredictionLogSettings = defineContract({
  method: "PUT", path: "/api/v1/endpoints/{endpoint}/prediction-log-settings",
  summary: "Sets the share of requests whose inputs the prediction log keeps (chosen by a hash of the request id, so shadow copies and replays agree). Counts, rollups and outputs stay complete; gateways follow at once",
  tag: "endpoints",
  auth: { action: "predictionlog.manage" }, params,
  body: z.object({ logInputs: z.number().min(0).max(1) }).strict(),
  response: logSettings,
});
