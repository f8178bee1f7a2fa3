import { z } from "zod";
import { defineContract } from "../contract";
import { dbText, named, slugName } from "./shared";
import { ALERT_METRICS, OPERATORS, SEVERITIES } from "../../alerts/alert-metrics";

const STATES = ["pending", "firing", "resolved"] as const;
const DAY = 86_400;

export const incidentView = named("AlertIncident", z.object({
  id: z.string(),
  ruleId: z.string(),
  rule: z.string().optional(),
  endpoint: z.string().optional(),
  state: z.enum(STATES).describe("pending: the condition holds for less than the rule's `for`; firing; resolved"),
  dedupKey: z.string().describe("carried by every notification of the incident: PagerDuty `dedup_key`, the webhook's `fingerprint`, Slack's context line"),
  startedAt: z.string(),
  firingAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  valueAtStart: z.number().nullable(),
  valueAtFire: z.number().nullable(),
  valueAtResolve: z.number().nullable(),
  peakValue: z.number().nullable(),
  lastValue: z.number().nullable(),
  lastEvaluatedAt: z.string(),
  notified: z.object({ firing: z.boolean(), resolved: z.boolean() }).describe("whether its firing and resolve notifications were written to the outbox (not while silenced)"),
}));

export const alertRuleView = named("AlertRule", z.object({
  id: z.string(),
  endpoint: z.string(),
  name: z.string(),
  metric: z.enum(ALERT_METRICS),
  feature: z.string().nullable(),
  variant: z.string().nullable(),
  operator: z.enum(OPERATORS),
  threshold: z.number(),
  windowSeconds: z.number().int(),
  forSeconds: z.number().int(),
  severity: z.enum(SEVERITIES),
  channels: z.array(z.string()),
  enabled: z.boolean(),
  silence: z.object({ until: z.string(), reason: z.string(), by: z.string() }).nullable(),
  state: z.enum(["inactive", "pending", "firing"]),
  incident: incidentView.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}));

const ruleBody = z.object({
  name: dbText.max(200).optional().describe("default: the condition, e.g. `error_rate > 0.05`"),
  metric: z.enum(ALERT_METRICS).describe("rollups: error_rate, p50_latency_ms, p95_latency_ms, request_rate; prediction log: shadow_delta, prediction_mean; drift reports: drift_share, feature_psi; labelled traffic: accuracy, auc, log_loss, mae, rmse"),
  feature: dbText.min(1).max(200).nullable().optional().describe("feature_psi: the model input it watches (one of the model's inputs)"),
  variant: dbText.min(1).max(200).nullable().optional().describe("one variant's traffic (default: the endpoint's served traffic)"),
  operator: z.enum(OPERATORS),
  threshold: z.number().finite(),
  windowSeconds: z.number().int().positive().max(7 * DAY).describe("the window the metric is read over, in seconds (whole minutes of rollups)"),
  forSeconds: z.number().int().min(0).max(DAY).optional().describe("how long the condition must hold before the incident fires (default 0: at once)"),
  severity: z.enum(SEVERITIES).optional(),
  channels: z.array(dbText.min(1).max(100)).max(20).optional().describe("ids of the team's notification channels (GET /api/v1/channels) that hear its incidents"),
  enabled: z.boolean().optional(),
}).strict();

const endpointParams = z.object({ endpoint: slugName });
const ruleParams = endpointParams.extend({ id: dbText.min(1).max(100) });

export const createAlertRule = defineContract({
  method: "POST", path: "/api/v1/endpoints/{endpoint}/alert-rules", summary: "Create an alert rule on an endpoint; the job workers evaluate it every 15 s", tag: "alerts",
  auth: { action: "alert.manage" }, params: endpointParams, body: ruleBody, response: alertRuleView, status: 201,
});

export const listAlertRules = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/alert-rules", summary: "List an endpoint's alert rules with their state and open incident", tag: "alerts",
  auth: { action: "alert.read" }, params: endpointParams, response: z.object({ endpoint: z.string(), rules: z.array(alertRuleView) }),
});

export const updateAlertRule = defineContract({
  method: "PUT", path: "/api/v1/endpoints/{endpoint}/alert-rules/{id}", summary: "Replace an alert rule's definition (disabling it resolves its open incident)", tag: "alerts",
  auth: { action: "alert.manage" }, params: ruleParams, body: ruleBody, response: alertRuleView,
});

export const deleteAlertRule = defineContract({
  method: "DELETE", path: "/api/v1/endpoints/{endpoint}/alert-rules/{id}", summary: "Delete an alert rule (a firing incident is resolved first)", tag: "alerts",
  auth: { action: "alert.manage" }, params: ruleParams, status: 204,
});

export const silenceAlertRule = defineContract({
  method: "POST", path: "/api/v1/endpoints/{endpoint}/alert-rules/{id}/silence", summary: "Silence a rule until a time: it is still evaluated and its incidents recorded, nothing is sent", tag: "alerts",
  auth: { action: "alert.manage" }, params: ruleParams,
  body: z.object({ until: z.iso.datetime({ offset: true }), reason: dbText.min(1).max(500) }).strict(),
  response: alertRuleView,
});

export const unsilenceAlertRule = defineContract({
  method: "DELETE", path: "/api/v1/endpoints/{endpoint}/alert-rules/{id}/silence", summary: "Lift a rule's silence", tag: "alerts",
  auth: { action: "alert.manage" }, params: ruleParams, response: alertRuleView,
});

export const listAlerts = defineContract({
  method: "GET", path: "/api/v1/alerts", summary: "The team's alert incidents, newest first (firing, pending and resolved)", tag: "alerts",
  auth: { action: "alert.read" },
  query: z.object({ state: z.enum(STATES).optional(), endpoint: slugName.optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict(),
  response: z.object({ incidents: z.array(incidentView) }),
});
