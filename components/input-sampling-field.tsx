"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { getPredictionLogSettings, updatePredictionLogSettings } from "@/lib/api/contracts/predictions";
import { ErrorBox } from "./ui";

/** The endpoint's input sampling for the prediction log: the share of requests whose inputs are kept, as a percentage. */
export function InputSamplingField({ team, endpoint, canManage }: { team: string; endpoint: string; canManage: boolean }) {
  const qc = useQueryClient();
  const key = ["prediction-log-settings", team, endpoint];
  const url = `/api/v1/endpoints/${endpoint}/prediction-log-settings`;
  const settings = useQuery({ queryKey: key, queryFn: () => apiFetch<ResponseOf<typeof getPredictionLogSettings>>(team, url) });
  const save = useMutation({
    mutationFn: (logInputs: number) => apiFetch<ResponseOf<typeof updatePredictionLogSettings>>(team, url, { method: "PUT", body: { logInputs } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  if (!settings.data) return settings.error ? <ErrorBox message={settings.error.message} /> : null;
  const percent = Math.round(settings.data.logInputs * 1000) / 10;
  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    save.mutate(Number(new FormData(e.currentTarget).get("percent")) / 100);
  }
  return (
    <form onSubmit={onSubmit} className="mt-2 flex flex-wrap items-center gap-2 text-sm" data-testid="input-sampling">
      <span className="text-slate-600">Inputs kept for</span>
      {canManage ? (
        <>
          <input key={percent} name="percent" type="number" min={0} max={100} step={0.1} defaultValue={percent} aria-label="Share of requests whose inputs are kept (%)" className="w-20 rounded-md border border-slate-300 px-2 py-0.5" />
          <span className="text-slate-600">% of requests (every request is still logged and counted)</span>
          <button type="submit" disabled={save.isPending} className="font-medium text-indigo-700 hover:underline disabled:opacity-60">Save</button>
        </>
      ) : <span className="text-slate-600">{percent}% of requests (every request is still logged and counted)</span>}
      {save.error && <ErrorBox message={save.error.message} />}
    </form>
  );
}
