// The compare page's table rows for 2–4 versions, each measured against the first: metric deltas,
// params changed/added/removed and signature differences, from the same pure helpers the promotion
// page uses (lib/governance/compare-evidence), so "better" and "changed" mean the same on both.
import { compareMetrics, diffParams, diffSignature, type MetricRow, type ParamRow, type SignatureRow } from "../governance/compare-evidence";
import type { VersionView } from "./views";

export type MetricCell = { value: number | null; delta: number | null; better: MetricRow["better"] };
export type ParamCell = { value?: ParamRow["candidate"]; change: ParamRow["change"] | "base" };

/** What the compare page reads from `?v=1,2,3` (or `?v=1&v=2`): distinct version numbers, in order. */
export function compareNumbers(v: string | string[] | undefined): number[] | { error: string } {
  const parts = (Array.isArray(v) ? v : [v ?? ""]).flatMap((s) => s.split(",")).map((s) => s.trim().replace(/^v/i, "")).filter(Boolean);
  const numbers = [...new Set(parts.map(Number))];
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1)) return { error: "versions are whole numbers, e.g. ?v=1,2,3" };
  if (numbers.length < 2 || numbers.length > 4) return { error: `pick 2 to 4 versions to compare (got ${numbers.length})` };
  return numbers;
}

export function metricTable(versions: VersionView[]): { name: string; lowerIsBetter: boolean; cells: MetricCell[] }[] {
  const [base, ...rest] = versions;
  const perVersion = rest.map((v) => new Map(compareMetrics(v.metrics, base.metrics).map((r) => [r.name, r])));
  const names = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))].sort();
  return names.map((name) => {
    const first = base.metrics[name] ?? null;
    const cells: MetricCell[] = [{ value: first, delta: null, better: null }];
    for (const m of perVersion) {
      const r = m.get(name);
      const value = r?.candidate ?? null;
      cells.push({ value, delta: value !== null && first !== null ? value - first : null, better: r?.better ?? null });
    }
    return { name, lowerIsBetter: perVersion[0]?.get(name)?.lowerIsBetter ?? false, cells };
  });
}

export function paramTable(versions: VersionView[]): { name: string; differs: boolean; cells: ParamCell[] }[] {
  const [base, ...rest] = versions;
  const perVersion = rest.map((v) => new Map(diffParams(v.params, base.params).map((r) => [r.name, r])));
  const names = [...new Set(versions.flatMap((v) => Object.keys(v.params)))].sort();
  return names.map((name) => {
    const cells: ParamCell[] = [{ ...(Object.hasOwn(base.params, name) ? { value: base.params[name] } : {}), change: "base" }];
    for (const m of perVersion) {
      const r = m.get(name);
      // a param neither this version nor the first has (only a third one does) is absent here: "same"
      cells.push(r ? { ...("candidate" in r ? { value: r.candidate } : {}), change: r.change } : { change: "same" });
    }
    return { name, differs: cells.some((c) => c.change !== "same" && c.change !== "base"), cells };
  });
}

/** Per version after the first: the inputs and outputs that differ from the first's (empty: the same). */
export function signatureDiffs(versions: VersionView[]): { number: number; rows: SignatureRow[] }[] {
  const [base, ...rest] = versions;
  return rest.map((v) => ({ number: v.number, rows: diffSignature(v.signature, base.signature).filter((r) => r.mismatches.length) }));
}
