// The prediction explorer's filters as the page's URL keeps them (so a link shows the same records)
// and as the API takes them. A relative range (`range=1h`) is turned into from/to when asked, and the
// pages after the first reuse the first page's from/to, so "Load more" continues the same window.

export const RANGES = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES;

/** URL keys the explorer keeps; `range` or from/to say the window. */
export const FILTER_KEYS = ["range", "from", "to", "variant", "status", "shadow", "minLatencyMs", "requestId", "feature", "value"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersFrom(params: URLSearchParams): Filters {
  const f: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  return f;
}

export const isRange = (v: string | undefined): v is RangeKey => v !== undefined && v in RANGES;

/** The API query for these filters; `window` (the first page's from/to) pins a relative range. */
export function apiQuery(f: Filters, window?: { from: string; to: string }, now = Date.now()): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (k !== "range" && k !== "from" && k !== "to" && f[k]) q.set(k, f[k]!);
  if (window) {
    q.set("from", window.from);
    q.set("to", window.to);
  } else if (f.from || f.to) {
    if (f.from) q.set("from", f.from);
    if (f.to) q.set("to", f.to);
  } else {
    const span = RANGES[isRange(f.range) ? f.range : "1h"];
    q.set("from", new Date(now - span).toISOString());
    q.set("to", new Date(now).toISOString());
  }
  return q;
}

/** The URL search string for these filters (empty values left out). */
export function urlOf(f: Filters): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) q.set(k, f[k]!);
  const s = q.toString();
  return s ? `?${s}` : "";
}
