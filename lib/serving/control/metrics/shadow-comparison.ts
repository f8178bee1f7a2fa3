// How a shadow's answers differ from the answers actually served for the same requests.
import type { Db } from "../../../db/client";

export type ShadowComparison = { variant: string; compared: number; meanAbsDiff: number | null; maxAbsDiff: number | null };

/** Over the window: mean and max |shadow − served| of the first output value, per shadow variant. */
export async function compareShadows(opts: { db: Db; endpointId: string; since: Date; limit?: number }): Promise<ShadowComparison[]> {
  const rows = await opts.db.$queryRawUnsafe<{ variant: string; compared: bigint; mean: number | null; max: number | null }[]>(
    `WITH pairs AS (
       SELECT s.variant,
              abs((s.outputs -> (SELECT k FROM jsonb_object_keys(s.outputs) k LIMIT 1) ->> 0)::float8
                - (p.outputs -> (SELECT k FROM jsonb_object_keys(p.outputs) k LIMIT 1) ->> 0)::float8) AS diff
       FROM "PredictionLog" s
       JOIN "PredictionLog" p ON p."requestId" = s."requestId" AND p."endpointId" = s."endpointId" AND NOT p.shadow AND p.status = 200
       WHERE s."endpointId" = $1 AND s.shadow AND s.status = 200 AND s.time >= $2 AND p.time >= $2 - interval '1 minute'
       ORDER BY s.time DESC
       LIMIT $3
     )
     SELECT variant, count(*) AS compared, avg(diff) AS mean, max(diff) AS max FROM pairs GROUP BY variant ORDER BY variant`,
    opts.endpointId, opts.since, opts.limit ?? 50_000,
  );
  return rows.map((r) => ({ variant: r.variant, compared: Number(r.compared), meanAbsDiff: r.mean, maxAbsDiff: r.max }));
}
