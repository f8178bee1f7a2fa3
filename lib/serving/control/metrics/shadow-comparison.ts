// How a shadow's answers differ from the answers actually served for the same requests.
import type { Db } from "../../../db/client";

/**
 * Per shadow variant, over the first value of each answer's first output:
 * - `compared`: requests where the shadow's and the served value are both numbers or both strings;
 * - `meanAbsDiff`, `maxAbsDiff`: |shadow − served| over the pairs of numbers (null when there are none);
 * - `equalShare`: the share of compared pairs whose values are equal (how string outputs, such as labels,
 *   are compared; null when nothing was compared). Pairs of other kinds (a string against a number, null) are skipped.
 */
export type ShadowComparison = { variant: string; compared: number; meanAbsDiff: number | null; maxAbsDiff: number | null; equalShare: number | null };

export async function compareShadows(opts: { db: Db; endpointId: string; since: Date; limit?: number }): Promise<ShadowComparison[]> {
  // Casts sit inside CASE so a value that is not a number is never cast: one string output must not fail the query.
  const rows = await opts.db.$queryRawUnsafe<{ variant: string; compared: bigint; mean: number | null; max: number | null; equal: number | null }[]>(
    `WITH pairs AS (
       SELECT s.variant,
              s.outputs -> (SELECT k FROM jsonb_object_keys(s.outputs) k LIMIT 1) -> 0 AS sv,
              p.outputs -> (SELECT k FROM jsonb_object_keys(p.outputs) k LIMIT 1) -> 0 AS pv
       FROM "PredictionLog" s
       JOIN "PredictionLog" p ON p."requestId" = s."requestId" AND p."endpointId" = s."endpointId" AND NOT p.shadow AND p.status = 200
       WHERE s."endpointId" = $1 AND s.shadow AND s.status = 200 AND s.time >= $2 AND p.time >= $2 - interval '1 minute'
       ORDER BY s.time DESC
       LIMIT $3
     ), typed AS (
       SELECT variant, sv, pv,
              jsonb_typeof(sv) = 'number' AND jsonb_typeof(pv) = 'number' AS numbers,
              jsonb_typeof(sv) IN ('number', 'string') AND jsonb_typeof(sv) = jsonb_typeof(pv) AS comparable
       FROM pairs
     )
     SELECT variant,
            count(*) FILTER (WHERE comparable) AS compared,
            avg(CASE WHEN numbers THEN abs((sv #>> '{}')::float8 - (pv #>> '{}')::float8) END) AS mean,
            max(CASE WHEN numbers THEN abs((sv #>> '{}')::float8 - (pv #>> '{}')::float8) END) AS max,
            avg(CASE WHEN comparable THEN (CASE WHEN sv = pv THEN 1.0 ELSE 0.0 END) END)::float8 AS equal
     FROM typed GROUP BY variant ORDER BY variant`,
    opts.endpointId, opts.since, opts.limit ?? 50_000,
  );
  return rows.map((r) => ({ variant: r.variant, compared: Number(r.compared), meanAbsDiff: r.mean, maxAbsDiff: r.max, equalShare: r.equal }));
}
