"use client";
// "Run a report": a window (presets for the last hour, day or week, or any from/to in local time) and
// optionally one version. The server's refusal sits next to the input it concerns, in its words (e.g. a
// version without reference data, and how to add it); a queued report opens at once.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import { useHydrated } from "@/lib/web/use-hydrated";
import type { ResponseOf } from "@/lib/api/contract";
import type { requestDriftReport } from "@/lib/api/contracts/drift";
import { Card } from "./ui";
import { FieldError, errorFor, formError, inputClass } from "./field";

export type VersionChoice = { number: number; serving: boolean; referenceRows: number | null };

const PRESETS = [
  { key: "1h", label: "Last 1 h", ms: 3_600_000 },
  { key: "24h", label: "Last 24 h", ms: 86_400_000 },
  { key: "7d", label: "Last 7 d", ms: 7 * 86_400_000 },
] as const;

/** A Date as a `datetime-local` value, in the browser's time zone, to the minute. */
function localValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (local time) as an ISO instant; "" stays "" (the server names the field). */
const isoOf = (v: string) => (v && !Number.isNaN(new Date(v).getTime()) ? new Date(v).toISOString() : v);

export function RunDriftReportForm({ team, endpoint, model, versions }: { team: string; endpoint: string; model: string | null; versions: VersionChoice[] }) {
  const hydrated = useHydrated();
  const router = useRouter();
  const qc = useQueryClient();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [preset, setPreset] = useState<string | null>(null);
  const [version, setVersion] = useState("");

  function applyPreset(key: string, ms: number) {
    // "to" one minute ahead: a window that ends now would leave out what is logged while the form is open
    const end = new Date(Math.ceil((Date.now() + 60_000) / 60_000) * 60_000);
    setTo(localValue(end));
    setFrom(localValue(new Date(end.getTime() - ms)));
    setPreset(key);
  }
  // the clock is the browser's: the first preset is set after hydration, never in the server's HTML
  useEffect(() => applyPreset("24h", 86_400_000), []);

  const run = useMutation({
    mutationFn: () => apiFetch<ResponseOf<typeof requestDriftReport>>(team, `/api/v1/endpoints/${endpoint}/drift-reports`, {
      method: "POST", body: { from: isoOf(from), to: isoOf(to), ...(version ? { version: Number(version) } : {}) },
    }),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: ["drift-reports", team, endpoint] });
      router.push(`/t/${team}/drift-reports/${r.id}`);
    },
  });
  const fields = ["from", "to", "version"];
  const general = formError(run.error, fields);
  const at = (f: string) => errorFor(run.error, f);

  return (
    <Card title="Run a report">
      <form aria-label="Run a drift report" onSubmit={(e) => { e.preventDefault(); run.mutate(); }} className="space-y-3">
        <div role="group" aria-label="Window presets" className="flex flex-wrap gap-2">
          {PRESETS.map((p) => (
            <button key={p.key} type="button" disabled={!hydrated} aria-pressed={preset === p.key} onClick={() => applyPreset(p.key, p.ms)}
              className={`rounded-md border px-2.5 py-1 text-sm ${preset === p.key ? "border-indigo-600 bg-indigo-50 text-indigo-800" : "border-slate-300 bg-white text-slate-700"}`}>
              {p.label}
            </button>
          ))}
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="text-sm font-medium">
            From (your local time)
            <input type="datetime-local" className={inputClass} value={from} required onChange={(e) => { setFrom(e.target.value); setPreset(null); }}
              aria-invalid={!!at("from")} aria-describedby={at("from") ? "drift-from-error" : undefined} />
            <FieldError id="drift-from-error" message={at("from")} />
          </label>
          <label className="text-sm font-medium">
            To
            <input type="datetime-local" className={inputClass} value={to} required onChange={(e) => { setTo(e.target.value); setPreset(null); }}
              aria-invalid={!!at("to")} aria-describedby={at("to") ? "drift-to-error" : undefined} />
            <FieldError id="drift-to-error" message={at("to")} />
          </label>
        </div>
        <label className="block text-sm font-medium">
          Version
          <select className={inputClass} value={version} onChange={(e) => setVersion(e.target.value)} aria-invalid={!!at("version")} aria-describedby={`drift-version-hint${at("version") ? " drift-version-error" : ""}`}>
            <option value="">Every served row, against the primary version&apos;s reference</option>
            {versions.map((v) => (
              <option key={v.number} value={v.number}>
                {model} v{v.number}{v.serving ? " (serving)" : ""}{v.referenceRows === null ? " — no reference data" : ` — ${v.referenceRows.toLocaleString("en-US")} reference rows`}
              </option>
            ))}
          </select>
          <span id="drift-version-hint" className="mt-0.5 block text-xs font-normal text-slate-500">A version: only the rows it served, against its own reference data.</span>
          <FieldError id="drift-version-error" message={at("version")} />
        </label>
        {general && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{general}</p>}
        <button type="submit" disabled={!hydrated || run.isPending || !from || !to} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">
          {run.isPending ? "Queuing…" : "Run report"}
        </button>
      </form>
    </Card>
  );
}
