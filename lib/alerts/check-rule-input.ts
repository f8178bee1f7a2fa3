// A rule's definition, checked against what the endpoint and the team have: the feature must be an
// input of a model the endpoint routes, the variant one of its variants, every channel one of the
// team's. Shapes (metric, operator, numbers) are the contract's to check; these need the database.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { readJson } from "../db/json";
import { signatureSchema } from "../onnx/signature";
import { asRouting } from "../serving/shared/routing";
import { FEATURE_METRICS, type AlertMetric, type Operator, type Severity } from "./alert-metrics";

export type RuleInput = {
  name?: string;
  metric: AlertMetric;
  feature?: string | null;
  variant?: string | null;
  operator: Operator;
  threshold: number;
  windowSeconds: number;
  forSeconds?: number;
  severity?: Severity;
  channels?: string[];
  enabled?: boolean;
};

export async function checkRuleInput(db: Db, opts: { teamId: string; endpoint: { id: string; routing: unknown }; input: RuleInput }) {
  const { input } = opts;
  const routing = asRouting(opts.endpoint.routing);
  if (input.variant && !routing.variants.some((v) => v.name === input.variant)) {
    throw new AppError("bad_request", `is not a variant of this endpoint (it has ${routing.variants.map((v) => v.name).join(", ") || "none"})`, { field: "variant" });
  }
  if (FEATURE_METRICS.includes(input.metric)) {
    if (!input.feature) throw new AppError("bad_request", `is required for ${input.metric}: the model input it watches`, { field: "feature" });
    const variants = routing.variants.filter((v) => !input.variant || v.name === input.variant);
    const versions = await db.modelVersion.findMany({ where: { id: { in: variants.map((v) => v.versionId) }, model: { teamId: opts.teamId } }, select: { signature: true } });
    const inputs = new Set(versions.flatMap((v) => readJson(signatureSchema, v.signature, "signature").inputs.map((i) => i.name)));
    if (!inputs.has(input.feature)) {
      throw new AppError("bad_request", inputs.size ? `is not an input of the endpoint's model (inputs: ${[...inputs].join(", ")})` : "cannot be checked: the endpoint serves no model yet", { field: "feature" });
    }
  } else if (input.feature) {
    throw new AppError("bad_request", `is only for ${FEATURE_METRICS.join(", ")}`, { field: "feature" });
  }
  const channels = [...new Set(input.channels ?? [])];
  if (channels.length) {
    const found = new Set((await db.channel.findMany({ where: { teamId: opts.teamId, id: { in: channels } }, select: { id: true } })).map((c) => c.id));
    const i = (input.channels ?? []).findIndex((c) => !found.has(c));
    if (i >= 0) throw new AppError("bad_request", `is not a notification channel of this team (GET /api/v1/channels lists them)`, { field: `channels.${i}` });
  }
  return {
    name: input.name?.trim() || `${input.metric}${input.feature ? `(${input.feature})` : ""} ${input.operator} ${input.threshold}`,
    metric: input.metric,
    feature: input.feature ?? null,
    variant: input.variant ?? null,
    operator: input.operator,
    threshold: input.threshold,
    windowSeconds: input.windowSeconds,
    forSeconds: input.forSeconds ?? 0,
    severity: input.severity ?? "warning",
    channelIds: channels,
    enabled: input.enabled ?? true,
  };
}
