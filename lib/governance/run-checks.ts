// The checks a release policy asks for, evaluated on a promotion's evidence: metric gates (absolute or
// against the champion), signature compatibility, and the shadow gate from the comparisons already logged.
import type { ShadowComparison } from "../serving/control/metrics/shadow-comparison";
import { inputKey } from "../serving/control/endpoints/resolve-routing";
import type { Check, VersionFacts } from "./evidence";
import { parseMetricGate, type MetricGate, type PolicyRules } from "./policy-rules";

const OPS: Record<MetricGate["op"], (a: number, b: number) => boolean> = { ">=": (a, b) => a >= b, "<=": (a, b) => a <= b, ">": (a, b) => a > b, "<": (a, b) => a < b };
const fmt = (n: number) => String(Number(n.toPrecision(6)));
const label = (v: VersionFacts) => `${v.model} v${v.version}`;

export function runChecks(opts: {
  rules: PolicyRules;
  candidates: VersionFacts[];
  champion: VersionFacts | null;
  /** shadow comparisons on the endpoint, by variant name; null when the change is not an endpoint's */
  shadows: Map<string, ShadowComparison> | null;
  variantOf: (v: VersionFacts) => string;
}): Check[] {
  const { rules, candidates, champion } = opts;
  const checks: Check[] = [];
  for (const text of rules.gates.metrics) {
    const gate = parseMetricGate(text)!;
    checks.push(metricCheck(gate, candidates, champion));
  }
  if (rules.gates.signature) checks.push(signatureCheck(candidates, champion));
  if (rules.gates.shadow) {
    const { minRequests, maxMeanAbsDiff } = rules.gates.shadow;
    const name = `shadow: ≥ ${minRequests} requests with mean |Δ| ≤ ${maxMeanAbsDiff}`;
    if (!opts.shadows) checks.push({ name, passed: true, detail: "not an endpoint change: no shadow traffic to judge" });
    else if (!candidates.length) checks.push({ name, passed: true, detail: "no new version" });
    else {
      const parts = candidates.map((c) => {
        const s = opts.shadows!.get(opts.variantOf(c));
        if (!s || s.compared === 0) return { ok: false, text: `${label(c)} has not served as a shadow on this endpoint`, s };
        if (s.compared < minRequests) return { ok: false, text: `${label(c)} has ${s.compared} of ${minRequests} shadow requests`, s };
        if (s.meanAbsDiff === null) return { ok: false, text: `${label(c)}'s answers are not numbers, so |Δ| cannot be judged`, s };
        const ok = s.meanAbsDiff <= maxMeanAbsDiff;
        return { ok, text: `${label(c)}: mean |Δ| ${fmt(s.meanAbsDiff)} ${ok ? "≤" : ">"} ${maxMeanAbsDiff} over ${s.compared} requests`, s };
      });
      const s = parts[0].s;
      checks.push({
        name, passed: parts.every((p) => p.ok), detail: parts.map((p) => p.text).join("; "),
        observed: { compared: s?.compared ?? 0, meanAbsDiff: s?.meanAbsDiff ?? null, maxAbsDiff: s?.maxAbsDiff ?? null },
      });
    }
  }
  return checks;
}

function metricCheck(gate: MetricGate, candidates: VersionFacts[], champion: VersionFacts | null): Check {
  const name = `metric: ${gate.text}`;
  if (!candidates.length) return { name, passed: true, detail: "no new version" };
  const parts: { ok: boolean; text: string }[] = [];
  for (const c of candidates) {
    const value = c.metrics[gate.metric];
    if (value === undefined) { parts.push({ ok: false, text: `${label(c)} reports no ${gate.metric}` }); continue; }
    let bound = gate.value;
    if (gate.relative) {
      if (!champion) { parts.push({ ok: true, text: `no champion to compare with (${label(c)}: ${gate.metric} ${fmt(value)})` }); continue; }
      const base = champion.metrics[gate.metric];
      if (base === undefined) { parts.push({ ok: false, text: `the champion ${label(champion)} reports no ${gate.metric}` }); continue; }
      bound = base + gate.value;
    }
    const ok = OPS[gate.op](value, bound);
    parts.push({ ok, text: `${label(c)}: ${gate.metric} ${fmt(value)} ${ok ? "passes" : "fails"} ${gate.op} ${fmt(bound)}${gate.relative ? ` (champion ${fmt(bound - gate.value)})` : ""}` });
  }
  return { name, passed: parts.every((p) => p.ok), detail: parts.map((p) => p.text).join("; ") };
}

function signatureCheck(candidates: VersionFacts[], champion: VersionFacts | null): Check {
  const name = "signature compatible with the live version";
  if (!champion) return { name, passed: true, detail: "nothing serves yet" };
  if (!candidates.length) return { name, passed: true, detail: "no new version" };
  const bad = candidates.filter((c) => inputKey(c.signature) !== inputKey(champion.signature));
  if (!bad.length) return { name, passed: true, detail: `inputs match ${label(champion)}` };
  return { name, passed: false, detail: bad.map((c) => `${label(c)} takes different inputs than ${label(champion)}`).join("; ") };
}
