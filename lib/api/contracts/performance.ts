import { z } from "zod";
import { defineContract } from "../contract";
import { dbText, named, slugName } from "./shared";
import { FEEDBACK_MAX_RECORDS } from "../../performance/record-feedback";
import { PERFORMANCE_MAX_ROWS, PERFORMANCE_RANGES, VERDICT_MAX_REQUESTS } from "../../performance/read-performance";
import { CALIBRATION_BINS, METRICS } from "../../performance/compute-metrics";

const params = z.object({ endpoint: slugName });

export const sendFeedback = defineContract({
  method: "POST", path: "/api/v1/endpoints/{endpoint}/feedback",
  summary: `Ground-truth labels for logged predictions, by the request id the gateway logged (x-request-id, or the id it answered with); at most ${FEEDBACK_MAX_RECORDS.toLocaleString("en-US")} a call. A repeated label replaces the earlier one. Ids the log does not hold (yet: ingest runs seconds behind) are listed in unknown and change nothing`,
  tag: "endpoints",
  auth: { action: "feedback.write" }, params,
  body: z.object({
    records: z.array(z.object({
      requestId: dbText.min(1).max(200),
      label: z.union([z.number(), dbText.max(200)]).describe("the true value (regression) or class label (classification); for a binary model 1/0, \"1\"/\"0\", \"true\"/\"false\" or the version's params.positive_class"),
    }).strict()).min(1).max(FEEDBACK_MAX_RECORDS),
  }).strict(),
  response: z.object({
    endpoint: z.string(),
    accepted: z.number().int().describe("request ids whose prediction was labelled"),
    predictions: z.number().int().describe("predictions labelled: a request's shadow copies are labelled too"),
    replaced: z.number().int().describe("of those, predictions that had a label already (replaced by this one)"),
    unknown: z.array(z.string()).describe("request ids the endpoint's log does not hold: nothing was written for them"),
    failed: z.array(z.string()).describe("request ids whose logged answers were all errors: no prediction to compare, nothing written"),
  }),
});

const metrics = named("PerformanceMetrics", z.object(Object.fromEntries(METRICS.map((m) => [m, z.number().nullable()])) as Record<(typeof METRICS)[number], z.ZodNullable<z.ZodNumber>>)
  .describe("null where the metric does not apply or is undefined (auc with one class only)"));
const calibrationCurve = named("CalibrationCurve", z.array(z.object({
  lower: z.number(), upper: z.number(), count: z.number(),
  meanPredicted: z.number().nullable(), fractionPositive: z.number().nullable(),
})).describe(`${CALIBRATION_BINS} uniform bins of P(positive), as sklearn's calibration_curve(strategy="uniform"), empty bins included with null means`));
const side = z.object({ variant: z.string(), version: z.number().int(), labelled: z.number().int().describe("labelled predictions the verdict used"), value: z.number().nullable().describe("the metric on them") });

export const endpointPerformance = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/performance",
  summary: `Labelled performance per variant, over the range and per hour of prediction time (classification: accuracy, auc, log_loss, calibration; regression: mae, rmse), and the A/B verdict between two variants with a 95% bootstrap interval. Reads the newest ${PERFORMANCE_MAX_ROWS.toLocaleString("en-US")} labelled predictions at most (rows.truncated says when it stopped)`,
  tag: "endpoints",
  auth: { action: "endpoint.read" }, params, fieldsIn: "query",
  query: z.object({
    range: z.enum(PERFORMANCE_RANGES).default("24h"),
    metric: z.enum(METRICS).optional().describe("the verdict's metric; default auc (classification) or mae (regression)"),
    a: dbText.max(200).optional().describe("with b: the two variants to compare (default: the two with the most labels, the older version as a)"),
    b: dbText.max(200).optional(),
  }),
  response: z.object({
    endpoint: z.string(), range: z.enum(PERFORMANCE_RANGES),
    from: z.string().describe("start of the first hour"), to: z.string(),
    task: z.enum(["classification", "regression"]).nullable().describe("null: no labels in the range"),
    metric: z.enum(METRICS),
    rows: z.object({ read: z.number().int(), cap: z.number().int(), truncated: z.boolean().describe("more labelled predictions exist in the range than were read (the oldest were left out)") }),
    variants: z.array(z.object({
      variant: z.string(), version: z.number().int(), shadow: z.boolean(), labelled: z.number().int(),
      metrics, calibration: calibrationCurve.nullable(),
      hours: z.array(z.object({ start: z.string(), labelled: z.number().int(), metrics, calibration: calibrationCurve.nullable() })),
    })),
    verdict: named("AbVerdict", z.object({
      metric: z.enum(METRICS), method: z.string(), a: side, b: side,
      labelledRequests: z.number().int().describe("distinct labelled requests of a and b (what the bootstrap resamples)"),
      capped: z.boolean().describe(`the two variants had more labelled requests than the verdict uses (the newest ${VERDICT_MAX_REQUESTS.toLocaleString("en-US")}): its values may differ from the variants' over the whole range`),
      difference: z.number().nullable().describe("b − a"),
      ci: z.object({ level: z.number(), low: z.number(), high: z.number() }).nullable(),
      significant: z.boolean(), resamples: z.number().int().describe("resamples in the interval"), skipped: z.number().int().describe("resamples where the metric was undefined"),
    })).nullable(),
    verdictNote: z.string().nullable().describe("why there is no verdict or interval"),
  }),
});
