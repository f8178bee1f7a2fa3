"use client";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { METRIC_RANGES, type MetricRange } from "@/lib/serving/control/metrics/time-window";

export const RANGE_LABELS: Record<MetricRange, string> = { "15m": "15 min", "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

/** The range in the URL (`?range=`), or 15m. */
export function useRange(): MetricRange {
  const r = useSearchParams().get("range");
  return (METRIC_RANGES as readonly string[]).includes(r ?? "") ? (r as MetricRange) : "15m";
}

/** Links, not buttons: the range lives in the URL (shareable, kept on reload), other query parameters kept. */
export function TimeRangePicker() {
  const pathname = usePathname();
  const params = useSearchParams();
  const current = useRange();
  return (
    <nav aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-slate-200 text-xs font-medium" data-testid="time-range">
      {METRIC_RANGES.map((r) => {
        const next = new URLSearchParams(params);
        next.set("range", r);
        return (
          <Link key={r} href={`${pathname}?${next}`} scroll={false} replace aria-current={r === current ? "true" : undefined}
            className={`px-2.5 py-1 ${r === current ? "bg-indigo-600 text-white" : "bg-white text-slate-600 hover:bg-slate-50"}`}>
            {r}
          </Link>
        );
      })}
    </nav>
  );
}
