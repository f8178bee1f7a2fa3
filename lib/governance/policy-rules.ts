// A release policy's rules: what a promotion into one environment needs. Stored as JSON in
// ReleasePolicy.rules and parsed with this schema on read; a team without a stored policy gets the
// defaults below.
import { z } from "zod";
import { slugName } from "../names";
import { dbInt } from "../db/stored-values";
import { DeploymentStrategy } from "../serving/shared/deployment-status";

export const METRIC_OPS = [">=", "<=", ">", "<"] as const;
export type MetricOp = (typeof METRIC_OPS)[number];

/** `auc >= 0.75` or, relative to the version serving now, `auc >= champion - 0.005`. */
export type MetricGate = { metric: string; op: MetricOp; value: number; relative: boolean; text: string };

const GATE = /^\s*([a-z][a-z0-9_.-]{0,63})\s*(>=|<=|>|<)\s*(?:(champion)\s*(?:([+-])\s*(\d+(?:\.\d+)?(?:e-?\d+)?))?|(-?\d+(?:\.\d+)?(?:e-?\d+)?))\s*$/i;

/** Parses one metric gate; null when it is not of the form `metric op number` or `metric op champion ± number`. */
export function parseMetricGate(text: string): MetricGate | null {
  const m = GATE.exec(text);
  if (!m) return null;
  const [, metric, op, champion, sign, delta, absolute] = m;
  const value = champion ? (sign === "-" ? -1 : 1) * Number(delta ?? 0) : Number(absolute);
  if (!Number.isFinite(value)) return null;
  // metric names keep their case: a gate on "AUC" reads the metric a version reports as "AUC"
  return { metric, op: op as MetricOp, value, relative: Boolean(champion), text: text.trim() };
}

const metricGateText = z.string().max(200).superRefine((s, ctx) => {
  if (!parseMetricGate(s)) ctx.addIssue({ code: "custom", message: `"${s.slice(0, 80)}" is not a metric gate: write "auc >= 0.75" or "auc >= champion - 0.005" (operators >=, >, <=, <)` });
});

export const shadowGateSchema = z.object({
  minRequests: dbInt.min(1).max(10_000_000).describe("requests the version must have answered as a shadow on the endpoint"),
  maxMeanAbsDiff: z.number().min(0).max(1e9).describe("largest mean |shadow − served| of the first output over those requests"),
}).strict();

export const policyRulesSchema = z.object({
  requiredApprovals: dbInt.min(0).max(10).default(1).describe("approvals a promotion needs (0: it deploys once its checks pass)"),
  fourEyes: z.boolean().default(true).describe("the requester (or the person whose token requested) can never approve"),
  approverRole: z.enum(["approver", "admin"]).default("approver").describe("the least role that may approve or reject"),
  protectedAliases: z.array(slugName).max(20).default(["champion"]).describe("aliases that move only through a promotion"),
  requiredStrategy: z.enum(DeploymentStrategy).nullable().default(null).describe("the strategy a change that brings in a new version must use (null: any)"),
  expiryHours: z.number().min(1).max(24 * 30).default(72).describe("a promotion not decided within this time expires"),
  gates: z.object({
    metrics: z.array(metricGateText).max(20).default([]).describe('each new version must pass these, e.g. "auc >= 0.75" or "auc >= champion - 0.005"'),
    signature: z.boolean().default(true).describe("the version's inputs must match the live version's"),
    shadow: shadowGateSchema.nullable().default(null).describe("the version must first have served as a shadow on this endpoint"),
  }).strict().prefault({}),
}).strict();

export type PolicyRules = z.infer<typeof policyRulesSchema>;
export const DEFAULT_RULES: PolicyRules = policyRulesSchema.parse({});

/** Metric names a gate may use even before a version reports them. */
export const KNOWN_METRICS = ["auc", "accuracy", "log_loss", "f1", "precision", "recall", "rmse", "mae", "mse", "r2", "brier"] as const;
