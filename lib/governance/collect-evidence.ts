// Takes the evidence snapshot of a promotion target from the database as it is now. Called when the
// promotion is requested, and again before each decision and before it deploys: a different hash
// then means the promotion is stale.
import type { Db } from "../db/client";
import { readJson } from "../db/json";
import { signatureSchema } from "../onnx/signature";
import { metricsSchema, paramsSchema } from "../registry/version-metadata";
import { compareShadows } from "../serving/control/metrics/shadow-comparison";
import type { TrafficPlan } from "../serving/control/endpoints/plan-traffic";
import type { TrafficRequest } from "../serving/control/endpoints/traffic-request";
import { servingVariants, variantName, type Routing } from "../serving/shared/routing";
import type { Environment } from "../serving/shared/environments";
import type { Evidence, VersionFacts } from "./evidence";
import type { Policy } from "./read-policy";
import { runChecks } from "./run-checks";

export type PromotionTarget =
  | { kind: "traffic"; environment: Environment; endpoint: { id: string; name: string; routingVersion: number }; request: TrafficRequest; plan: TrafficPlan }
  | { kind: "alias"; environment: Environment; model: { id: string; name: string }; alias: string; version: { id: string; number: number }; current: { id: string; number: number } | null };

/** How far back the shadow gate looks for comparisons. */
const SHADOW_WINDOW_MS = 30 * 24 * 3600 * 1000;

export async function collectEvidence(opts: { db: Db; target: PromotionTarget; policy: Policy }): Promise<Evidence> {
  const { db, target, policy } = opts;
  let candidateIds: string[];
  let championId: string | null;
  let evidenceTarget: Evidence["target"];
  if (target.kind === "traffic") {
    const { live, to } = target.plan;
    candidateIds = promotedVariants(live, to).map((v) => v.versionId);
    championId = mainPrimary(live)?.versionId ?? null;
    evidenceTarget = { kind: "traffic", endpoint: target.endpoint.name, routingVersion: target.endpoint.routingVersion, live: routes(live), requested: routes(to), strategy: target.request.strategy };
  } else {
    candidateIds = target.current?.id === target.version.id ? [] : [target.version.id];
    championId = target.current?.id ?? null;
    evidenceTarget = { kind: "alias", model: target.model.name, alias: target.alias, current: target.current?.number ?? null, requested: target.version.number };
  }
  const facts = await versionFacts(db, [...candidateIds, ...(championId ? [championId] : [])]);
  const candidates = candidateIds.map((id) => facts.get(id)!).filter(Boolean);
  const champion = championId ? facts.get(championId) ?? null : null;
  const shadows = target.kind === "traffic" && policy.rules.gates.shadow
    ? new Map((await compareShadows({ db, endpointId: target.endpoint.id, since: new Date(Date.now() - SHADOW_WINDOW_MS), limit: Math.max(50_000, policy.rules.gates.shadow.minRequests) })).map((s) => [s.variant, s]))
    : null;
  const checks = runChecks({ rules: policy.rules, candidates, champion, shadows, variantOf: (v) => variantName(v.model, v.version) });
  return { environment: target.environment, policy: { revision: policy.revision, rules: policy.rules }, target: evidenceTarget, candidates, champion, checks };
}

/**
 * The versions a change gives more traffic: new ones, and ones already serving whose share grows (a 1%
 * minority taken to 100% is judged like a new version, against today's policy).
 */
export function promotedVariants(live: Routing, to: Routing) {
  const before = new Map(servingVariants(live).map((v) => [v.versionId, v.weight]));
  return servingVariants(to).filter((v) => v.weight > (before.get(v.versionId) ?? 0));
}

/** The primary serving the largest share: what a new version is compared with. */
export function mainPrimary(r: Routing) {
  return servingVariants(r).filter((v) => v.role === "primary").sort((a, b) => b.weight - a.weight)[0] ?? null;
}

const routes = (r: Routing) => r.variants.map((v) => ({ name: v.name, model: v.model, version: v.version, weight: v.weight, role: v.role, sha256: v.sha256 }));

async function versionFacts(db: Db, ids: string[]): Promise<Map<string, VersionFacts>> {
  if (!ids.length) return new Map();
  const rows = await db.modelVersion.findMany({ where: { id: { in: ids } }, include: { model: { select: { name: true } }, parent: { select: { number: true } } } });
  return new Map(rows.map((v) => [v.id, {
    model: v.model.name, version: v.number, sha256: v.sha256,
    signature: readJson(signatureSchema, v.signature, "signature"),
    metrics: readJson(metricsSchema, v.metrics, "metrics"),
    params: readJson(paramsSchema, v.params, "params"),
    lineage: { parentVersion: v.parent?.number ?? null, dataset: v.dataset, source: v.source, createdBy: v.createdBy, createdAt: v.createdAt.toISOString() },
  }]));
}
