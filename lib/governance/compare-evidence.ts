// What the promotion page shows side by side: a candidate version's metrics, params and signature
// against the champion's (what serves now). Pure, so the page and its tests agree on what "better"
// and "changed" mean.
import type { TensorSpec } from "../onnx/signature";
import type { VersionFacts } from "./evidence";

/** Metrics where a smaller number is the better one; every other metric (auc, accuracy, f1, r2…) is better higher. */
const LOWER_IS_BETTER = /loss|error|rmse|mae|mse|brier/i;
export const lowerIsBetter = (metric: string): boolean => LOWER_IS_BETTER.test(metric);

export type MetricRow = {
  name: string;
  candidate: number | null;
  champion: number | null;
  /** which side holds the better value; null when one side lacks the metric */
  better: "candidate" | "champion" | "same" | null;
  lowerIsBetter: boolean;
};

export function compareMetrics(candidate: VersionFacts["metrics"], champion: VersionFacts["metrics"] | null): MetricRow[] {
  const names = [...new Set([...Object.keys(candidate), ...Object.keys(champion ?? {})])].sort();
  return names.map((name) => {
    const c = candidate[name] ?? null;
    const k = champion?.[name] ?? null;
    const lower = lowerIsBetter(name);
    let better: MetricRow["better"] = null;
    if (c !== null && k !== null) better = c === k ? "same" : (c < k) === lower ? "candidate" : "champion";
    return { name, candidate: c, champion: k, better, lowerIsBetter: lower };
  });
}

type Param = VersionFacts["params"][string];
export type ParamRow = { name: string; candidate?: Param; champion?: Param; change: "same" | "changed" | "added" | "removed" };

/** Every param of either version: added (only the candidate has it), removed (only the champion), changed or the same. */
export function diffParams(candidate: VersionFacts["params"], champion: VersionFacts["params"] | null): ParamRow[] {
  const base = champion ?? {};
  const names = [...new Set([...Object.keys(candidate), ...Object.keys(base)])].sort();
  return names.map((name) => {
    const inC = Object.hasOwn(candidate, name);
    const inK = Object.hasOwn(base, name);
    const change: ParamRow["change"] = !inK ? "added" : !inC ? "removed" : candidate[name] === base[name] ? "same" : "changed";
    return { name, ...(inC ? { candidate: candidate[name] } : {}), ...(inK ? { champion: base[name] } : {}), change };
  });
}

export type SignatureMismatch = "missing" | "extra" | "type" | "shape";
export type SignatureRow = {
  direction: "input" | "output";
  name: string;
  candidate: TensorSpec | null;
  champion: TensorSpec | null;
  /** missing: the champion has it and the candidate not; extra: the other way round */
  mismatches: SignatureMismatch[];
};

/** Inputs and outputs matched by name; the champion's order first, then what only the candidate has. */
export function diffSignature(candidate: VersionFacts["signature"], champion: VersionFacts["signature"] | null): SignatureRow[] {
  const rows: SignatureRow[] = [];
  for (const direction of ["input", "output"] as const) {
    const key = direction === "input" ? "inputs" : "outputs";
    const mine = candidate[key];
    const theirs = champion?.[key] ?? [];
    const names = [...new Set([...theirs.map((t) => t.name), ...mine.map((t) => t.name)])];
    for (const name of names) {
      const c = mine.find((t) => t.name === name) ?? null;
      const k = champion ? theirs.find((t) => t.name === name) ?? null : null;
      const mismatches: SignatureMismatch[] = [];
      if (champion) {
        if (!c) mismatches.push("missing");
        else if (!k) mismatches.push("extra");
        else {
          if (c.type !== k.type) mismatches.push("type");
          if (c.shape.join(",") !== k.shape.join(",")) mismatches.push("shape");
        }
      }
      rows.push({ direction, name, candidate: c, champion: k, mismatches });
    }
  }
  return rows;
}
