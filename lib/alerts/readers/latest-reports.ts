// The latest finished drift report of each endpoint the rules watch, once per cycle for all of them.
import type { Db } from "../../db/client";
import type { RuleTarget } from "./reader";

export type LatestReport = { finishedAt: Date; share: number | null; psi: Map<string, number | null> };

export async function latestReports(db: Db, rules: RuleTarget[], withFeatures: boolean): Promise<Map<string, LatestReport>> {
  const endpoints = [...new Set(rules.map((r) => r.endpointId))];
  if (!endpoints.length) return new Map();
  const rows = await db.$queryRaw<{ endpointId: string; finishedAt: Date; share: number | null; features: { name: string; psi: number | null }[] | null }[]>`
    SELECT DISTINCT ON ("endpointId") "endpointId", "finishedAt", share,
           CASE WHEN ${withFeatures} THEN (SELECT jsonb_agg(jsonb_build_object('name', f->'name', 'psi', f->'psi')) FROM jsonb_array_elements(result->'features') f) END AS features
    FROM "DriftReport"
    WHERE "endpointId" = ANY(${endpoints}::text[]) AND status = 'succeeded'
    ORDER BY "endpointId", "finishedAt" DESC`;
  return new Map(rows.map((r) => [r.endpointId, { finishedAt: r.finishedAt, share: r.share, psi: new Map((r.features ?? []).map((f) => [f.name, f.psi])) }]));
}

/** A report counts for a rule when it finished within the rule's window. */
export const withinWindow = (report: LatestReport | undefined, rule: RuleTarget, now: Date): report is LatestReport =>
  !!report && now.getTime() - report.finishedAt.getTime() <= rule.windowSeconds * 1000;
