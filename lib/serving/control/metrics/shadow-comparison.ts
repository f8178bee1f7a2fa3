// How a shadow's answers differ from the answers actually served for the same requests.
import type { Db } from "../../../db/client";
import { comparePair, pairOf, readNewest, servedFor } from "../../shared/prediction-log/read-window";

/**
 * Per shadow variant, over the first value of each answer's first output:
 * - `compared`: requests where the shadow's and the served value are both numbers or both strings;
 * - `meanAbsDiff`, `maxAbsDiff`: |shadow − served| over the pairs of numbers (null when there are none);
 * - `equalShare`: the share of compared pairs whose values are equal (how string outputs, such as labels,
 *   are compared; null when nothing was compared). Pairs of other kinds (a string against a number, null) are skipped.
 * The newest `limit` shadow copies since `since` are compared, with served answers logged from a minute before.
 */
export type ShadowComparison = { variant: string; compared: number; meanAbsDiff: number | null; maxAbsDiff: number | null; equalShare: number | null };

export async function compareShadows(opts: { db: Db; endpointId: string; since: Date; limit?: number; now?: Date }): Promise<ShadowComparison[]> {
  const from = opts.since.getTime();
  const to = (opts.now ?? new Date()).getTime() + 60_000;
  const shadows = await readNewest(opts.db, { endpointId: opts.endpointId, from, to, kind: "shadow" }, opts.limit ?? 50_000, (r) => r.sh && r.s === 200);
  if (!shadows.length) return [];
  const served = await servedFor(opts.db, opts.endpointId, shadows, from - 60_000, to);
  const by = new Map<string, { compared: number; numbers: number; sum: number; max: number; equal: number }>();
  for (const s of shadows) {
    // a served answer logged from a minute before its shadow copy (a client may reuse request ids)
    const p = pairOf(s, served.get(s.id)?.filter((x) => x.t >= from - 60_000), Infinity);
    if (!p) continue;
    let a = by.get(s.v);
    if (!a) by.set(s.v, (a = { compared: 0, numbers: 0, sum: 0, max: 0, equal: 0 }));
    const c = comparePair(s, p);
    if (c.comparable) a.compared++;
    if (c.equal) a.equal++;
    if (c.numbers) {
      a.numbers++;
      a.sum += c.diff;
      a.max = Math.max(a.max, c.diff);
    }
  }
  return [...by].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([variant, a]) => ({
    variant, compared: a.compared, meanAbsDiff: a.numbers ? a.sum / a.numbers : null, maxAbsDiff: a.numbers ? a.max : null, equalShare: a.compared ? a.equal / a.compared : null,
  }));
}
