"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { getEndpoint, setTraffic } from "@/lib/api/contracts/endpoints";
import type { listModels } from "@/lib/api/contracts/models";
import type { DeploymentStrategy } from "@/lib/serving/shared/deployment-status";
import type { Variant } from "@/lib/serving/shared/routing";
import { Card, ErrorBox } from "./ui";

type Row = Pick<Variant, "model" | "version" | "weight" | "role" | "device">;
type Current = ResponseOf<typeof getEndpoint>["variants"];

const input = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";

export function TrafficEditor({ team, endpoint, current, disabled }: { team: string; endpoint: string; current: Current; disabled: boolean }) {
  const router = useRouter();
  const models = useQuery({ queryKey: ["models", team], queryFn: () => apiFetch<ResponseOf<typeof listModels>>(team, "/api/v1/models") });
  const [rows, setRows] = useState<Row[]>(() =>
    current.length ? current.map((v) => ({ model: v.model, version: v.version, weight: v.weight, role: v.role, device: v.device })) : [],
  );
  const [strategy, setStrategy] = useState<DeploymentStrategy>("immediate");
  const [bake, setBake] = useState(60);
  // a canary step judges the new version only once it has served this many requests (0: on any traffic, even none)
  const [minRequests, setMinRequests] = useState(100);
  const apply = useMutation({
    mutationFn: () => apiFetch<ResponseOf<typeof setTraffic>>(team, `/api/v1/endpoints/${endpoint}/traffic`, {
      method: "PUT",
      body: { variants: rows, strategy, ...(strategy === "canary" ? { canary: { steps: [10, 50], bakeSeconds: bake, minRequests } } : {}), ...(strategy === "blue_green" ? { blueGreen: { rollbackWindowSeconds: bake } } : {}) },
    }),
    // a production endpoint answers with the promotion that waits for approval
    onSuccess: (d) => router.push("promotion" in d ? `/t/${team}/promotions/${d.promotion.id}` : `/t/${team}/deployments/${d.id}`),
  });

  const total = rows.filter((r) => r.role !== "shadow").reduce((s, r) => s + (Number.isFinite(r.weight) ? r.weight : 0), 0);
  const valid = rows.length > 0 && Math.abs(total - 100) < 1e-6 && rows.every((r) => r.model && r.version > 0);
  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const firstModel = models.data?.models[0];

  return (
    <Card title="Traffic split">
      <div className="space-y-2">
        {rows.map((r, i) => (
          <div key={i} className="flex flex-wrap items-center gap-2" data-testid="split-row">
            <select aria-label="Model" className={input} value={r.model} onChange={(e) => set(i, { model: e.target.value })}>
              {(models.data?.models ?? [{ name: r.model }]).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
            </select>
            <label className="text-sm">v<input aria-label="Version" type="number" min={1} className={`${input} ml-1 w-20`} value={r.version} onChange={(e) => set(i, { version: Number(e.target.value) })} /></label>
            <label className="text-sm"><input aria-label="Weight" type="number" min={0} max={100} className={`${input} w-20`} value={r.weight} disabled={r.role === "shadow"} onChange={(e) => set(i, { weight: Number(e.target.value) })} />%</label>
            <select aria-label="Role" className={input} value={r.role} onChange={(e) => set(i, { role: e.target.value as Row["role"], weight: e.target.value === "shadow" ? 0 : r.weight })}>
              <option value="primary">primary</option><option value="canary">canary</option><option value="shadow">shadow</option>
            </select>
            <select aria-label="Device" className={input} value={r.device} onChange={(e) => set(i, { device: e.target.value as Row["device"] })}>
              <option value="cpu">cpu</option><option value="gpu">gpu</option>
            </select>
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))} className="text-sm text-red-700 hover:underline">Remove</button>
          </div>
        ))}
        <button type="button" className="text-sm font-medium text-indigo-700" onClick={() => setRows([...rows, { model: rows[0]?.model ?? firstModel?.name ?? "", version: firstModel?.latestVersion ?? 1, weight: rows.length ? 0 : 100, role: "primary", device: "cpu" }])}>
          + Add variant
        </button>
      </div>
      <div className="mt-4 flex flex-wrap items-center gap-4 border-t border-slate-100 pt-4">
        <span data-testid="weight-total" className={`text-sm font-medium ${Math.abs(total - 100) < 1e-6 ? "text-green-700" : "text-red-700"}`}>Total {total}% {Math.abs(total - 100) < 1e-6 ? "" : "(must be 100)"}</span>
        <label className="text-sm">Strategy
          <select aria-label="Strategy" className={`${input} ml-2`} value={strategy} onChange={(e) => setStrategy(e.target.value as typeof strategy)}>
            <option value="immediate">immediate</option><option value="canary">canary (10% → 50% → 100%)</option><option value="blue_green">blue-green</option>
          </select>
        </label>
        {strategy !== "immediate" && (
          <label className="text-sm">{strategy === "canary" ? "Bake per step (s)" : "Rollback window (s)"}<input type="number" min={0} className={`${input} ml-2 w-24`} value={bake} onChange={(e) => setBake(Number(e.target.value))} /></label>
        )}
        {strategy === "canary" && (
          <label className="text-sm">Min requests per step<input type="number" min={0} className={`${input} ml-2 w-24`} value={minRequests} onChange={(e) => setMinRequests(Number(e.target.value))} /></label>
        )}
        <button type="button" disabled={!valid || disabled || apply.isPending} onClick={() => apply.mutate()} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          Apply
        </button>
        {disabled && <span className="text-sm text-slate-500">A deployment is in progress.</span>}
      </div>
      {apply.error && <div className="mt-3"><ErrorBox message={apply.error.message} /></div>}
    </Card>
  );
}
