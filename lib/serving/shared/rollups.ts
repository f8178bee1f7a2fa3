// Latency histograms shared by the ingest consumer (writes) and guardrails/charts (reads).
//
// Layout 2 (current): log-linear buckets. Slot 0 holds [0, 0.1] ms; slot i (1…461) holds
// (b[i-1], b[i]] with b[i] = 0.1 · 2^(i/24) ms, so every bucket is 2^(1/24) − 1 ≈ 2.93% wide relative to
// its lower bound (24 buckets per doubling); the last bounded slot ends at exactly 60 000 ms (a little
// narrower); one overflow slot holds everything slower than 60 s. 463 slots in all: one Int[] of that
// length per (endpoint, variant, minute, served/shadow) rollup row.
//
// A quantile is read by the nearest-rank rule (the ceil(q·n)-th smallest latency) and placed by linear
// interpolation inside the bucket that holds that rank. Since the estimate and the exact value lie in the
// same bucket, the error bound is:
//   |estimate − exact| < 2.93% of the exact value, for exact values above 0.1 ms;
//   |estimate − exact| ≤ 0.1 ms below that;
//   a quantile in the overflow slot is reported as 60 000 ms: a floor ("at least 60 s"), not a value.
// Typical errors are much smaller: interpolation spreads a bucket's requests evenly across it.
//
// Layout 1 (rows written before layout 2): 12 coarse bounds (1, 2, 5 … 5000 ms) and overflow. Old rows
// keep their layout (MetricRollup.latencyLayout) and are read with those bounds; histograms of different
// layouts are never added slot by slot (see quantileOfLayouts).

export const LAYOUT_COARSE = 1;
export const LAYOUT_LOG_LINEAR = 2;
/** The layout the writer uses now. */
export const LATENCY_LAYOUT = LAYOUT_LOG_LINEAR;

export const MIN_BOUND_MS = 0.1;
export const MAX_BOUND_MS = 60_000;
export const BUCKETS_PER_DOUBLING = 24;
/** Relative width of a bucket (upper / lower − 1): the relative error bound of a quantile. */
export const RELATIVE_ERROR_BOUND = 2 ** (1 / BUCKETS_PER_DOUBLING) - 1;

function logLinearBounds(): number[] {
  const bounds: number[] = [];
  for (let i = 0; ; i++) {
    const b = MIN_BOUND_MS * 2 ** (i / BUCKETS_PER_DOUBLING);
    if (b >= MAX_BOUND_MS) break;
    bounds.push(b);
  }
  bounds.push(MAX_BOUND_MS);
  return bounds;
}

/** Upper bounds (ms) of the bounded slots, per layout; each layout has one more slot, the overflow. */
export const LAYOUT_BOUNDS: Record<number, readonly number[]> = {
  [LAYOUT_COARSE]: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
  [LAYOUT_LOG_LINEAR]: logLinearBounds(),
};

/** Bounds of the current layout. */
export const LATENCY_BUCKETS_MS = LAYOUT_BOUNDS[LATENCY_LAYOUT];
/** Length of a current-layout histogram: the bounded slots and the overflow. */
export const LATENCY_SLOTS = LATENCY_BUCKETS_MS.length + 1;

export const emptyHistogram = (): number[] => new Array(LATENCY_SLOTS).fill(0);

function boundsOf(layout: number): readonly number[] {
  const b = LAYOUT_BOUNDS[layout];
  if (!b) throw new Error(`unknown latency histogram layout ${layout}`);
  return b;
}

/** The slot of a latency: the first whose upper bound holds it (bounds inclusive); past the last bound, the overflow. */
export function bucketOf(ms: number, bounds: readonly number[] = LATENCY_BUCKETS_MS): number {
  if (!(ms > bounds[0])) return 0; // also NaN and negatives: never thrown away, counted as fastest
  let lo = 1, hi = bounds.length; // answer in [lo, hi]; hi = overflow
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= bounds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The nearest-rank position (1-based) of the q-quantile among `total` values, as the interpolation's target. */
const rankOf = (q: number, total: number) => Math.min(total, Math.max(1, Math.ceil(q * total)));

/** [lower, upper] of a slot; the overflow is a point at the last bound (a floor). */
function slotRange(bounds: readonly number[], i: number): [number, number] {
  if (i >= bounds.length) return [bounds[bounds.length - 1], bounds[bounds.length - 1]];
  return [i === 0 ? 0 : bounds[i - 1], bounds[i]];
}

/**
 * The q-quantile of one histogram (one layout), interpolated inside the bucket holding the nearest rank;
 * null without traffic. Error bound: see the top of this file.
 */
export function quantileFromBuckets(buckets: readonly number[], q: number, layout: number = LATENCY_LAYOUT): number | null {
  const bounds = boundsOf(layout);
  const total = buckets.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = rankOf(q, total);
  let before = 0;
  for (let i = 0; i < buckets.length; i++) {
    const c = buckets[i];
    if (c > 0 && before + c >= rank) {
      const [lo, hi] = slotRange(bounds, i);
      // the rank's share of the bucket, centred: c requests spread evenly over (lo, hi]
      return lo + ((hi - lo) * (rank - before - 0.5)) / c;
    }
    before += c;
  }
  return null;
}

/** Slot-by-slot sum; only for histograms of the same layout. */
export function addBuckets(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}

/** Histograms of one series kept apart by layout, each summed slot by slot. */
export type LayoutHistograms = Map<number, number[]>;

export function addToLayout(acc: LayoutHistograms, layout: number, buckets: readonly number[]): void {
  acc.set(layout, addBuckets(acc.get(layout) ?? [], buckets));
}

/**
 * The q-quantile over histograms of several layouts (a window that spans the switch to layout 2). With one
 * layout it is quantileFromBuckets. Otherwise every bucket is read as its requests spread evenly over its
 * range, and the quantile is where the combined distribution reaches the rank: the coarse rows widen the
 * error to their own bucket width, but no slot of one layout is ever read with another's bounds.
 */
export function quantileOfLayouts(byLayout: LayoutHistograms, q: number): number | null {
  const used = [...byLayout.entries()].filter(([, h]) => h.some((c) => c > 0));
  if (used.length === 0) return null;
  if (used.length === 1) return quantileFromBuckets(used[0][1], q, used[0][0]);
  const segments: { lo: number; hi: number; c: number }[] = [];
  for (const [layout, h] of used) {
    const bounds = boundsOf(layout);
    h.forEach((c, i) => {
      if (c > 0) {
        const [lo, hi] = slotRange(bounds, i);
        segments.push({ lo, hi, c });
      }
    });
  }
  const total = segments.reduce((a, s) => a + s.c, 0);
  const target = rankOf(q, total) - 0.5;
  const below = (x: number) => segments.reduce((a, s) => a + (x >= s.hi ? s.c : x <= s.lo ? 0 : (s.c * (x - s.lo)) / (s.hi - s.lo)), 0);
  let lo = 0, hi = Math.max(...segments.map((s) => s.hi));
  for (let i = 0; i < 80 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (below(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
