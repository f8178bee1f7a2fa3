// The latency histograms of the rollup rows in a window, kept between cycles in this process: a
// row's histogram changes only with its count (the writer adds both at once), so each cycle lists the
// rows' keys and counts (no arrays) and reads the histograms of the rows that are new or changed
// only (in steady state, the current minute's). Unnesting every 463-slot row of the window on every
// cycle was most of a cycle's time. A process that has not run a cycle yet reads them all once.
import type { Db } from "../../db/client";

/** Non-empty slots of one rollup row, as parallel arrays. */
export type SparseHistogram = { layout: number; slots: number[]; counts: number[] };
export type RowHistogram = { e: string; variant: string; shadow: boolean; minute: number; hist: SparseHistogram };

type Cached = { count: number; hist: SparseHistogram };
const cache = new Map<string, Cached>();

/** `m`: the minute, in seconds since the epoch */
type Listed = { e: string; variant: string; shadow: boolean; layout: number; m: number; count: number };

export async function latencyHistograms(db: Db, opts: { endpoints: string[]; since: Date }): Promise<RowHistogram[]> {
  const listed = await db.$queryRawUnsafe<Listed[]>(
    `SELECT "endpointId" AS e, variant, shadow, "latencyLayout" AS layout, extract(epoch from minute)::float8 AS m, count FROM "MetricRollup"
     WHERE "endpointId" = ANY($1::text[]) AND minute >= (to_timestamp($2::float8) AT TIME ZONE 'UTC')`,
    opts.endpoints, Math.floor(opts.since.getTime() / 60_000) * 60,
  );
  const keyOf = (r: Listed) => `${r.e}|${r.variant}|${r.shadow}|${r.layout}|${r.m}`;
  const stale = listed.filter((r) => cache.get(keyOf(r))?.count !== r.count);
  if (stale.length) {
    const rows = await db.$queryRawUnsafe<(Listed & { slot: number[]; n: number[] })[]>(
      `SELECT r."endpointId" AS e, r.variant, r.shadow, r."latencyLayout" AS layout, k.m, r.count,
              array_agg(u.i - 1 ORDER BY u.i)::int[] AS slot, array_agg(u.n ORDER BY u.i)::int[] AS n
       FROM unnest($1::text[], $2::text[], $3::bool[], $4::int[], $5::float8[]) AS k(e, variant, shadow, layout, m)
       JOIN "MetricRollup" r ON r."endpointId" = k.e AND r.variant = k.variant AND r.shadow = k.shadow AND r."latencyLayout" = k.layout
            AND r.minute = (to_timestamp(k.m) AT TIME ZONE 'UTC')
       CROSS JOIN LATERAL unnest(r."latencyBuckets") WITH ORDINALITY AS u(n, i)
       WHERE u.n <> 0
       GROUP BY 1, 2, 3, 4, 5, 6`,
      stale.map((r) => r.e), stale.map((r) => r.variant), stale.map((r) => r.shadow), stale.map((r) => r.layout), stale.map((r) => r.m),
    );
    for (const r of rows) cache.set(keyOf(r), { count: r.count, hist: { layout: r.layout, slots: r.slot, counts: r.n } });
  }
  // forget rows that left the window (and those of rules deleted since)
  const live = new Set(listed.map(keyOf));
  for (const k of cache.keys()) if (!live.has(k)) cache.delete(k);
  return listed.flatMap((r) => {
    const c = cache.get(keyOf(r));
    return c ? [{ e: r.e, variant: r.variant, shadow: r.shadow, minute: r.m * 1000, hist: c.hist }] : []; // a row without traffic has no slots
  });
}
