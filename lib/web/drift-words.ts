// How the console writes a drift report's figures and states, the same on every drift view.
import type { DriftReportView } from "../monitoring/drift/drift-report-view";
import type { FeatureDrift } from "../monitoring/drift/drift-result";
import type { FeatureHistogram } from "../monitoring/drift/feature-histograms";

/** A report as the list answers it, and as one report's answer (with each column's histograms). */
export type DriftReportListItem = Omit<DriftReportView, "histograms">;
export type DriftReportFull = DriftReportListItem & { histograms?: Record<string, FeatureHistogram> };
export type FeatureDriftView = FeatureDrift;

/** A share 0–1 as a percentage with one decimal ("42.5%"); "—" when there is none. */
export const sharePercent = (s: number | null | undefined) => (s === null || s === undefined ? "—" : `${(s * 100).toFixed(1)}%`);

/** A statistic at four significant digits, exponent form for tiny p-values; "—" when not computed. */
export function stat(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-4 || a >= 1e6 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

/** The window in words: "2026-11-30 11:00 → 12:00 UTC" (the date once when both ends share it). */
export function windowWords(from: string, to: string): string {
  const f = new Date(from).toISOString().replace("T", " ").slice(0, 16);
  const t = new Date(to).toISOString().replace("T", " ").slice(0, 16);
  return f.slice(0, 10) === t.slice(0, 10) ? `${f} → ${t.slice(11)} UTC` : `${f} → ${t} UTC`;
}

/** The window's length: "1 h", "24 h", "7 d", "90 min". */
export function windowLength(from: string, to: string): string {
  const min = Math.round((Date.parse(to) - Date.parse(from)) / 60_000);
  if (min % 1440 === 0 && min >= 2880) return `${min / 1440} d`;
  if (min % 60 === 0) return `${min / 60} h`;
  return `${min} min`;
}

export const METHOD_NAMES: Record<FeatureDriftView["method"], string> = {
  ks: "Kolmogorov–Smirnov p-value",
  chisquare: "chi² p-value",
  wasserstein: "Wasserstein distance / std",
  jensenshannon: "Jensen–Shannon distance",
};

export const STATUS_TONES = { queued: "slate", running: "indigo", succeeded: "green", failed: "red" } as const;

/** Who asked: a person or token's label, or "scheduled". */
export const whoWords = (r: { scheduled: boolean; requestedBy: string }) => (r.scheduled ? "scheduled" : r.requestedBy);
