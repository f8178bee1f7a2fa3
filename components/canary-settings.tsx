"use client";
// The rollout settings of a split change: a canary's steps and guardrails, or a blue-green switch's
// rollback window. Each starts at the server's default (plan.ts) and shows it; errors sit next to the input.
import { BLUE_GREEN_DEFAULTS, CANARY_DEFAULTS } from "@/lib/serving/control/deployments/plan";
import type { FormField } from "@/lib/web/split-form";

export type CanaryDraft = { steps: string; bakeSeconds: string; maxErrorRate: string; maxP95Ms: string; minRequests: string; maxWaitSeconds: string };
export type BlueGreenDraft = { rollbackWindowSeconds: string };

export const canaryDraft = (): CanaryDraft => ({
  steps: CANARY_DEFAULTS.steps.join(", "),
  bakeSeconds: String(CANARY_DEFAULTS.bakeSeconds),
  maxErrorRate: String(CANARY_DEFAULTS.maxErrorRate),
  maxP95Ms: String(CANARY_DEFAULTS.maxP95Ms),
  minRequests: String(CANARY_DEFAULTS.minRequests),
  maxWaitSeconds: String(CANARY_DEFAULTS.maxWaitSeconds),
});
export const blueGreenDraft = (): BlueGreenDraft => ({ rollbackWindowSeconds: String(BLUE_GREEN_DEFAULTS.rollbackWindowSeconds) });

/** The request's `canary`: numbers as typed (the server says what is out of range, next to the input). */
export const canaryBody = (d: CanaryDraft) => ({
  steps: d.steps.split(/[\s,]+/).filter(Boolean).map(Number),
  bakeSeconds: Number(d.bakeSeconds), maxErrorRate: Number(d.maxErrorRate), maxP95Ms: Number(d.maxP95Ms),
  minRequests: Number(d.minRequests), maxWaitSeconds: Number(d.maxWaitSeconds),
});

const input = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

type Props<D> = { draft: D; onChange: (d: D) => void; errorAt: (f: FormField) => React.ReactNode };

const FIELDS: { key: keyof CanaryDraft; label: string; hint: string; inputMode: "decimal" | "numeric" | "text" }[] = [
  { key: "steps", label: "Steps (% of traffic)", hint: `default ${CANARY_DEFAULTS.steps.join(", ")}`, inputMode: "text" },
  { key: "bakeSeconds", label: "Bake per step (s)", hint: `default ${CANARY_DEFAULTS.bakeSeconds}`, inputMode: "numeric" },
  { key: "maxErrorRate", label: "Max error rate (0–1)", hint: `default ${CANARY_DEFAULTS.maxErrorRate} = ${CANARY_DEFAULTS.maxErrorRate * 100}%`, inputMode: "decimal" },
  { key: "maxP95Ms", label: "Max p95 latency (ms)", hint: `default ${CANARY_DEFAULTS.maxP95Ms}`, inputMode: "decimal" },
  { key: "minRequests", label: "Min requests per step", hint: `default ${CANARY_DEFAULTS.minRequests}; 0 judges on any traffic`, inputMode: "numeric" },
  { key: "maxWaitSeconds", label: "Max wait for traffic (s)", hint: `default ${CANARY_DEFAULTS.maxWaitSeconds}; then it rolls back`, inputMode: "numeric" },
];

export function CanarySettings({ draft, onChange, errorAt }: Props<CanaryDraft>) {
  return (
    <fieldset className="grid gap-3 sm:grid-cols-3" data-testid="canary-settings">
      <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Canary guardrails: each step bakes, then the new version is judged; a breach rolls back</legend>
      {FIELDS.map((f) => (
        <label key={f.key} className="text-sm font-medium">
          {f.label}
          <input className={input} inputMode={f.inputMode} value={draft[f.key]} onChange={(e) => onChange({ ...draft, [f.key]: e.target.value })} aria-describedby={`canary-${f.key}-hint`} />
          <span id={`canary-${f.key}-hint`} className="mt-0.5 block text-xs font-normal text-slate-500">{f.hint}</span>
          {errorAt(`canary.${f.key}`)}
        </label>
      ))}
    </fieldset>
  );
}

export function BlueGreenSettings({ draft, onChange, errorAt }: Props<BlueGreenDraft>) {
  return (
    <label className="block max-w-xs text-sm font-medium">
      Rollback window (s)
      <input className={input} inputMode="numeric" value={draft.rollbackWindowSeconds} onChange={(e) => onChange({ rollbackWindowSeconds: e.target.value })} />
      <span className="mt-0.5 block text-xs font-normal text-slate-500">default {BLUE_GREEN_DEFAULTS.rollbackWindowSeconds}: the old version stays loaded this long after the switch</span>
      {errorAt("blueGreen.rollbackWindowSeconds")}
    </label>
  );
}
