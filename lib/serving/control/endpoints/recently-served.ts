import type { Db } from "../../../db/client";

/**
 * For one model: which of the team's endpoints served (or shadowed) each of `versions` since `since`,
 * routed now or not, from the hourly rollups. Lets a comparison show the live figures of a version
 * that was rolled back an hour ago.
 */
export async function recentlyServed(opts: { db: Db; teamId: string; model: string; versions: number[]; since: Date }): Promise<Map<number, string[]>> {
  const variants = opts.versions.map((n) => `${opts.model}-v${n}`);
  const rows = await opts.db.$queryRaw<{ endpoint: string; version: number }[]>`
    SELECT DISTINCT e.name AS endpoint, h.version
    FROM "MetricRollupHour" h JOIN "Endpoint" e ON e.id = h."endpointId"
    WHERE e."teamId" = ${opts.teamId} AND h.variant = ANY(${variants}::text[]) AND h.hour >= date_trunc('hour', ${opts.since}::timestamp) AND h.count > 0
    ORDER BY 1`;
  const out = new Map<number, string[]>();
  for (const r of rows) (out.get(r.version) ?? out.set(r.version, []).get(r.version)!).push(r.endpoint);
  return out;
}
