"use client";
// The split editor: offers what the server accepts (a model's own versions, the strategies that fit the
// change, a canary's guardrails with their defaults) and shows each refusal next to the input it concerns.
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import { errorPlace, withDeployedVersion, type FormField, type RowField, type SplitRow } from "@/lib/web/split-form";
import { strategiesFor, rowKey } from "@/lib/serving/shared/new-variants";
import type { ResponseOf } from "@/lib/api/contract";
import type { getEndpoint, setTraffic } from "@/lib/api/contracts/endpoints";
import type { listModels, listVersions } from "@/lib/api/contracts/models";
import type { DeploymentStrategy } from "@/lib/serving/shared/deployment-status";
import { Card, ErrorBox } from "./ui";
import { BlueGreenSettings, CanarySettings, blueGreenDraft, canaryBody, canaryDraft } from "./canary-settings";

type Current = ResponseOf<typeof getEndpoint>["variants"];
type Versions = ResponseOf<typeof listVersions>["versions"];

const input = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";
const STRATEGY_LABEL: Record<DeploymentStrategy, string> = { immediate: "immediate", canary: "canary (step by step, judged by guardrails)", blue_green: "blue-green (switch, old version kept warm)" };
const rowsOf = (current: Current): SplitRow[] => current.map((v) => ({ model: v.model, version: v.version, weight: v.weight, role: v.role, device: v.device, placement: v.placement }));
const splitText = (rows: { model: string; version: number; weight: number; role: string }[]) =>
  rows.length ? rows.map((r) => `${r.model} v${r.version} ${r.role === "shadow" ? "(shadow)" : `${r.weight}%`}`).join(", ") : "no traffic";
const FieldError = ({ children }: { children: React.ReactNode }) => <span role="alert" className="mt-1 block text-xs font-normal text-red-700">{children}</span>;

/**
 * `current`/`routingVersion`: the live split, refreshed by the page. The form starts from it (plus the version
 * of `deploy`, from "Deploy this version", as a canary) and sends the routing version it started from, so a
 * split changed meanwhile is refused (409) and the editor offers the live one instead.
 */
export function TrafficEditor({ team, endpoint, current, routingVersion, disabled, deploy }: {
  team: string; endpoint: string; current: Current; routingVersion: number; disabled: boolean; deploy?: { model: string; version: number } | null;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const start = () => (deploy ? withDeployedVersion(rowsOf(current), deploy) : rowsOf(current));
  const [rows, setRows] = useState<SplitRow[]>(start);
  const [base, setBase] = useState(routingVersion);
  const [strategy, setStrategy] = useState<DeploymentStrategy>(deploy ? "canary" : "immediate");
  const [canary, setCanary] = useState(canaryDraft);
  const [blueGreen, setBlueGreen] = useState(blueGreenDraft);

  const models = useQuery({ queryKey: ["models", team], queryFn: () => apiFetch<ResponseOf<typeof listModels>>(team, "/api/v1/models") });
  const names = [...new Set(rows.map((r) => r.model).filter(Boolean))];
  const versionLists = useQueries({
    queries: names.map((m) => ({ queryKey: ["versions", team, m], queryFn: () => apiFetch<ResponseOf<typeof listVersions>>(team, `/api/v1/models/${m}/versions`) })),
  });
  const versionsOf = (model: string): Versions | undefined => versionLists[names.indexOf(model)]?.data?.versions;

  const offered = strategiesFor(rowsOf(current), rows);
  const chosen = offered.includes(strategy) ? strategy : "immediate";
  const apply = useMutation({
    mutationFn: () => apiFetch<ResponseOf<typeof setTraffic>>(team, `/api/v1/endpoints/${endpoint}/traffic`, {
      method: "PUT",
      body: {
        variants: rows, strategy: chosen, expectedRoutingVersion: base,
        ...(chosen === "canary" ? { canary: canaryBody(canary) } : {}),
        ...(chosen === "blue_green" ? { blueGreen: { rollbackWindowSeconds: Number(blueGreen.rollbackWindowSeconds) } } : {}),
      },
    }),
    // a production endpoint answers with the promotion that waits for approval
    onSuccess: (d) => router.push("promotion" in d ? `/t/${team}/promotions/${d.promotion.id}` : `/t/${team}/deployments/${d.id}`),
    // refused as stale: fetch the live split now rather than at the page's next poll
    onError: (e) => { if (e instanceof ApiFetchError && e.status === 409) void queryClient.invalidateQueries({ queryKey: ["endpoint", team, endpoint] }); },
  });

  const err = apply.error;
  const place = errorPlace(err instanceof ApiFetchError ? err.input : null);
  const errorAt = (f: FormField) => (err && place.kind === "field" && place.field === f ? <FieldError>{err.message}</FieldError> : null);
  const rowError = (i: number, f: RowField | null) => (err && place.kind === "row" && place.index === i && place.field === f ? <FieldError>{err.message}</FieldError> : null);
  const stale = routingVersion !== base || (err instanceof ApiFetchError && err.status === 409 && place.kind === "field" && place.field === "expectedRoutingVersion");
  const restart = () => { setRows(rowsOf(current)); setBase(routingVersion); apply.reset(); };

  const total = rows.filter((r) => r.role !== "shadow").reduce((s, r) => s + (Number.isFinite(r.weight) ? r.weight : 0), 0);
  const totalOk = Math.abs(total - 100) < 1e-6;
  const dupes = new Set(rows.map(rowKey).filter((k, i, all) => all.indexOf(k) !== i));
  const valid = rows.length > 0 && totalOk && dupes.size === 0 && rows.every((r) => r.model && r.version > 0);
  const set = (i: number, patch: Partial<SplitRow>) => { setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r))); };
  const latestOf = (model: string) => models.data?.models.find((m) => m.name === model)?.latestVersion ?? 0;
  const addRow = () => {
    const model = rows[0]?.model ?? models.data?.models[0]?.name ?? "";
    setRows([...rows, { model, version: latestOf(model), weight: rows.length ? 0 : 100, role: "primary", device: rows[0]?.device ?? "cpu" }]);
  };

  return (
    <Card title="Traffic split">
      {stale && (
        <div className="mb-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm" role="status" data-testid="stale-split">
          The split changed since you started editing. It serves now: <span className="font-medium">{splitText(current)}</span>.{" "}
          <button type="button" className="font-medium text-indigo-700 underline" onClick={restart}>Start from the current split</button>
        </div>
      )}
      <div className="space-y-2">
        {rows.map((r, i) => {
          const versions = versionsOf(r.model);
          return (
            <div key={i} data-testid="split-row">
              <div className="flex flex-wrap items-center gap-2">
                <select aria-label="Model" className={input} value={r.model} onChange={(e) => set(i, { model: e.target.value, version: latestOf(e.target.value) })}>
                  {(models.data?.models.some((m) => m.name === r.model) ? models.data.models : [{ name: r.model }, ...(models.data?.models ?? [])]).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
                </select>
                <select aria-label="Version" className={input} value={r.version} onChange={(e) => set(i, { version: Number(e.target.value) })}>
                  {!versions?.some((v) => v.number === r.version) && <option value={r.version}>{r.version > 0 ? `v${r.version}` : "choose a version"}</option>}
                  {versions?.map((v) => <option key={v.number} value={v.number}>v{v.number}{v.aliases.length ? ` (${v.aliases.join(", ")})` : ""}{v.tags.length ? ` · ${v.tags.slice(0, 3).join(", ")}` : ""}</option>)}
                </select>
                <label className="text-sm"><input aria-label="Weight" type="number" min={0} max={100} className={`${input} w-20`} value={r.weight} disabled={r.role === "shadow"} onChange={(e) => set(i, { weight: Number(e.target.value) })} />%</label>
                <select aria-label="Role" className={input} value={r.role} onChange={(e) => set(i, { role: e.target.value as SplitRow["role"], weight: e.target.value === "shadow" ? 0 : r.weight })}>
                  <option value="primary">primary</option><option value="canary">canary</option><option value="shadow">shadow</option>
                </select>
                <select aria-label="Device" className={input} value={r.device} onChange={(e) => set(i, { device: e.target.value as SplitRow["device"] })}>
                  <option value="cpu">cpu</option><option value="gpu">gpu</option>
                </select>
                <select aria-label="Placement" title="worker: on inference workers; inline: inside the gateway's processes (small cpu models)" className={input} value={r.placement ?? "worker"} onChange={(e) => set(i, { placement: e.target.value as SplitRow["placement"] })}>
                  <option value="worker">on workers</option><option value="inline">inline in the gateway</option>
                </select>
                <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))} className="text-sm text-red-700 hover:underline">Remove</button>
              </div>
              {dupes.has(rowKey(r)) && <FieldError>{r.model} v{r.version} is listed twice; keep one row per version.</FieldError>}
              {rowError(i, "model")}{rowError(i, "version")}{rowError(i, "weight")}{rowError(i, "role")}{rowError(i, "device")}{rowError(i, "placement")}{rowError(i, null)}
            </div>
          );
        })}
        <button type="button" className="text-sm font-medium text-indigo-700" onClick={addRow}>+ Add variant</button>
      </div>
      <div className="mt-4 space-y-4 border-t border-slate-100 pt-4">
        <div className="flex flex-wrap items-start gap-4">
          <div>
            <span data-testid="weight-total" className={`text-sm font-medium ${totalOk ? "text-green-700" : "text-red-700"}`}>Total {total}% {totalOk ? "" : "(must be 100)"}</span>
            {errorAt("variants")}
          </div>
          <label className="text-sm">Strategy
            <select aria-label="Strategy" className={`${input} ml-2`} value={chosen} onChange={(e) => setStrategy(e.target.value as DeploymentStrategy)}>
              {offered.map((s) => <option key={s} value={s}>{STRATEGY_LABEL[s]}</option>)}
            </select>
            {offered.length === 1 && rows.length > 0 && <span className="ml-2 text-xs text-slate-500">No new version serves in this split: a canary or blue-green switch needs one.</span>}
            {errorAt("strategy")}
          </label>
        </div>
        {chosen === "canary" && <CanarySettings draft={canary} onChange={setCanary} errorAt={errorAt} />}
        {chosen === "blue_green" && <BlueGreenSettings draft={blueGreen} onChange={setBlueGreen} errorAt={errorAt} />}
        <div className="flex flex-wrap items-center gap-4">
          <button type="button" disabled={!valid || disabled || apply.isPending} onClick={() => apply.mutate()} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
            Apply
          </button>
          {disabled && <span className="text-sm text-slate-500">A deployment is in progress.</span>}
        </div>
        {errorAt("expectedRoutingVersion")}
      </div>
      {err && (place.kind === "form" || (place.kind === "row" && place.index >= rows.length)) && <div className="mt-3"><ErrorBox message={err.message} /></div>}
    </Card>
  );
}
