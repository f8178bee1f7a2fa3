"use client";
// An endpoint's drift settings: when a column and the data set count as drifted (Evidently's defaults
// shown beside each input), and the report schedule. People without drift.manage read them only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import { useHydrated } from "@/lib/web/use-hydrated";
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from "@/lib/monitoring/drift/drift-thresholds";
import type { ResponseOf } from "@/lib/api/contract";
import type { getDriftSettings } from "@/lib/api/contracts/drift";
import { Card, ErrorBox, when } from "./ui";
import { FieldError, errorFor, formError, inputClass } from "./field";

type Settings = ResponseOf<typeof getDriftSettings>;
type Key = keyof DriftThresholds;

const THRESHOLDS: { key: Key; label: string; hint: string }[] = [
  { key: "smallReferenceRows", label: "Small reference (rows)", hint: "up to this many reference values: judged by a test's p-value; more: by a distance" },
  { key: "ksPValue", label: "KS p-value below", hint: "numeric column, small reference" },
  { key: "chiSquarePValue", label: "chi² p-value below", hint: "categorical column, small reference" },
  { key: "wasserstein", label: "Wasserstein / std at least", hint: "numeric column, large reference" },
  { key: "jsDistance", label: "Jensen–Shannon distance at least", hint: "categorical column, large reference" },
  { key: "datasetShare", label: "Dataset: drifted share at least", hint: "of the tested columns (0–1)" },
];

type Draft = { thresholds: Record<Key, string>; scheduled: boolean; everyMinutes: string; windowMinutes: string };
const draftOf = (s: Settings): Draft => ({
  thresholds: Object.fromEntries(THRESHOLDS.map((t) => [t.key, String(s.thresholds[t.key])])) as Record<Key, string>,
  scheduled: s.schedule !== null,
  everyMinutes: String(s.schedule?.everyMinutes ?? 60),
  windowMinutes: String(s.schedule?.windowMinutes ?? 1440),
});

export function DriftSettingsPanel({ team, endpoint, canManage, manageNote }: { team: string; endpoint: string; canManage: boolean; manageNote: string }) {
  const key = ["drift-settings", team, endpoint];
  const q = useQuery({ queryKey: key, queryFn: () => apiFetch<Settings>(team, `/api/v1/endpoints/${endpoint}/drift-settings`) });
  return (
    <Card title="Drift settings">
      {q.error && <ErrorBox message={q.error.message} />}
      {!q.data && !q.error && <p className="text-sm text-slate-500" aria-busy="true">Loading settings…</p>}
      {q.data && (canManage ? <SettingsForm team={team} endpoint={endpoint} settings={q.data} /> : <SettingsView settings={q.data} note={manageNote} />)}
    </Card>
  );
}

function SettingsView({ settings, note }: { settings: Settings; note: string }) {
  return (
    <div className="space-y-3 text-sm" data-testid="drift-settings-view">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        {THRESHOLDS.map((t) => (
          <div key={t.key} className="contents">
            <dt className="text-slate-600">{t.label}</dt>
            <dd className="tabular-nums">{settings.thresholds[t.key]}{settings.thresholds[t.key] === DEFAULT_DRIFT_THRESHOLDS[t.key] ? <span className="text-slate-500"> (default)</span> : null}</dd>
          </div>
        ))}
        <dt className="text-slate-600">Schedule</dt>
        <dd>{settings.schedule ? `every ${settings.schedule.everyMinutes} min over the last ${settings.schedule.windowMinutes} min` : "none"}</dd>
      </dl>
      <p className="text-slate-500">{note}</p>
    </div>
  );
}

function SettingsForm({ team, endpoint, settings }: { team: string; endpoint: string; settings: Settings }) {
  const hydrated = useHydrated();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => apiFetch<Settings>(team, `/api/v1/endpoints/${endpoint}/drift-settings`, {
      method: "PUT",
      body: {
        thresholds: Object.fromEntries(THRESHOLDS.map((t) => [t.key, Number(draft.thresholds[t.key])])),
        schedule: draft.scheduled ? { everyMinutes: Number(draft.everyMinutes), windowMinutes: Number(draft.windowMinutes) } : null,
      },
    }),
    onSuccess: (s) => { qc.setQueryData(["drift-settings", team, endpoint], s); setSaved(true); },
  });
  const at = (f: string) => errorFor(save.error, f);
  const general = formError(save.error, ["thresholds", "schedule"]);
  const change = (d: Partial<Draft>) => { setDraft({ ...draft, ...d }); setSaved(false); };
  return (
    <form aria-label="Drift settings" className="space-y-4" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <fieldset className="grid gap-3 sm:grid-cols-2">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">When a column has drifted</legend>
        {THRESHOLDS.map((t) => (
          <label key={t.key} className="text-sm font-medium">
            {t.label}
            <input className={inputClass} inputMode="decimal" value={draft.thresholds[t.key]} onChange={(e) => change({ thresholds: { ...draft.thresholds, [t.key]: e.target.value } })}
              aria-invalid={!!at(`thresholds.${t.key}`)} aria-describedby={`drift-${t.key}-hint`} />
            <span id={`drift-${t.key}-hint`} className="mt-0.5 block text-xs font-normal text-slate-500">default {DEFAULT_DRIFT_THRESHOLDS[t.key]}; {t.hint}</span>
            <FieldError id={`drift-${t.key}-error`} message={at(`thresholds.${t.key}`)} />
          </label>
        ))}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Schedule</legend>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" checked={draft.scheduled} onChange={(e) => change({ scheduled: e.target.checked })} />
          Run reports on a schedule (against the primary version&apos;s reference data)
        </label>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="text-sm font-medium">
            Every (minutes)
            <input className={inputClass} inputMode="numeric" disabled={!draft.scheduled} value={draft.everyMinutes} onChange={(e) => change({ everyMinutes: e.target.value })} aria-invalid={!!at("schedule.everyMinutes")} />
            <span className="mt-0.5 block text-xs font-normal text-slate-500">at least 5; 60 = hourly</span>
            <FieldError id="drift-every-error" message={at("schedule.everyMinutes")} />
          </label>
          <label className="text-sm font-medium">
            Over the last (minutes)
            <input className={inputClass} inputMode="numeric" disabled={!draft.scheduled} value={draft.windowMinutes} onChange={(e) => change({ windowMinutes: e.target.value })} aria-invalid={!!at("schedule.windowMinutes")} />
            <span className="mt-0.5 block text-xs font-normal text-slate-500">1440 = the last 24 h</span>
            <FieldError id="drift-window-error" message={at("schedule.windowMinutes")} />
          </label>
        </div>
      </fieldset>
      {general && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{general}</p>}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={!hydrated || save.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Save drift settings</button>
        {saved && <span role="status" className="text-sm text-green-800">Saved.</span>}
        {settings.updatedBy && <span className="text-xs text-slate-500">Last changed by {settings.updatedBy}{settings.updatedAt ? `, ${when(settings.updatedAt)}` : ""}</span>}
      </div>
    </form>
  );
}
