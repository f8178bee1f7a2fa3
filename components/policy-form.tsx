"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { getPolicy, putPolicy } from "@/lib/api/contracts/promotions";
import { Card, ErrorBox, when } from "./ui";

type Policy = ResponseOf<typeof getPolicy>;
type Rules = Policy["rules"];

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm font-normal disabled:bg-slate-50";

/** The form's text, as typed: numbers stay strings until saved, so a half-typed value is not lost. */
function draftOf(r: Rules) {
  return {
    requiredApprovals: String(r.requiredApprovals), fourEyes: r.fourEyes, approverRole: r.approverRole,
    protectedAliases: r.protectedAliases.join(", "), requiredStrategy: r.requiredStrategy ?? "", expiryHours: String(r.expiryHours),
    metrics: r.gates.metrics.join("\n"), signature: r.gates.signature, shadow: r.gates.shadow !== null,
    minRequests: String(r.gates.shadow?.minRequests ?? 100), maxMeanAbsDiff: String(r.gates.shadow?.maxMeanAbsDiff ?? 0.05),
  };
}
type Draft = ReturnType<typeof draftOf>;

// an empty box is sent as null, so the API names the field instead of a 0 passing silently
const numOrNull = (s: string) => (s.trim() === "" ? null : Number(s));

/** The body PUT /api/v1/policies/{environment} takes, and which textarea line each metric gate came from. */
function rulesOf(d: Draft) {
  const lines = d.metrics.split("\n").map((text, i) => ({ text: text.trim(), line: i + 1 })).filter((l) => l.text);
  const body = {
    requiredApprovals: numOrNull(d.requiredApprovals), fourEyes: d.fourEyes, approverRole: d.approverRole,
    protectedAliases: d.protectedAliases.split(/[\s,]+/).filter(Boolean),
    requiredStrategy: d.requiredStrategy || null, expiryHours: numOrNull(d.expiryHours),
    gates: { metrics: lines.map((l) => l.text), signature: d.signature, shadow: d.shadow ? { minRequests: numOrNull(d.minRequests), maxMeanAbsDiff: numOrNull(d.maxMeanAbsDiff) } : null },
  };
  return { body, lineOf: (i: number) => lines[i]?.line ?? i + 1 };
}

/** One environment's release policy; read only unless `canManage` (the page asks lib/auth/policy.ts). */
export function PolicyForm({ team, policy, canManage }: { team: string; policy: Policy; canManage: boolean }) {
  const router = useRouter();
  const [current, setCurrent] = useState(policy);
  const [d, setD] = useState(() => draftOf(policy.rules));
  const set = (patch: Partial<Draft>) => setD({ ...d, ...patch });
  const save = useMutation({
    mutationFn: () => apiFetch<ResponseOf<typeof putPolicy>>(team, `/api/v1/policies/${policy.environment}`, { method: "PUT", body: rulesOf(d).body }),
    onSuccess: (p) => { setCurrent(p); setD(draftOf(p.rules)); router.refresh(); },
  });
  const err = save.error;
  const field = err instanceof ApiFetchError ? err.input : null;
  /** The API's message for this field (or one inside it, e.g. gates.metrics.1), shown next to it. */
  const errorAt = (name: string): string | null => {
    if (!err || !field || (field !== name && !field.startsWith(`${name}.`))) return null;
    const m = /^gates\.metrics\.(\d+)/.exec(field);
    return m ? `Line ${rulesOf(d).lineOf(Number(m[1]))}: ${err.message}` : err.message;
  };
  const FIELDS = ["requiredApprovals", "fourEyes", "approverRole", "protectedAliases", "requiredStrategy", "expiryHours", "gates.metrics", "gates.signature", "gates.shadow"];
  const unplaced = err && !FIELDS.some((f) => errorAt(f)) ? err.message : null;
  const fieldError = (name: string) => { const m = errorAt(name); return m ? <span role="alert" className="mt-1 block text-xs font-normal text-red-700">{m}</span> : null; };

  return (
    <Card title={`${policy.environment} policy`}>
      <p className="mb-4 text-xs text-slate-500">
        {current.revision === 0 ? "The defaults: never changed." : `Revision ${current.revision}${current.updatedBy ? `, by ${current.updatedBy}` : ""}${current.updatedAt ? ` on ${when(current.updatedAt)}` : ""}.`}
      </p>
      <form aria-label={`${policy.environment} policy`} onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
        <fieldset disabled={!canManage || save.isPending} className="grid gap-4 sm:grid-cols-2">
          <label className="text-sm font-medium">Required approvals
            <input type="number" min={0} max={10} className={input} value={d.requiredApprovals} onChange={(e) => set({ requiredApprovals: e.target.value })} />
            {fieldError("requiredApprovals")}
          </label>
          <label className="text-sm font-medium">Who may approve
            <select className={input} value={d.approverRole} onChange={(e) => set({ approverRole: e.target.value as Draft["approverRole"] })}>
              <option value="approver">approvers and admins</option><option value="admin">admins only</option>
            </select>
            {fieldError("approverRole")}
          </label>
          <label className="flex items-center gap-2 text-sm font-medium sm:col-span-2">
            <input type="checkbox" checked={d.fourEyes} onChange={(e) => set({ fourEyes: e.target.checked })} />
            Four-eyes: the requester can never approve their own promotion
            {fieldError("fourEyes")}
          </label>
          <label className="text-sm font-medium">Required strategy (new versions)
            <select className={input} value={d.requiredStrategy} onChange={(e) => set({ requiredStrategy: e.target.value })}>
              <option value="">any</option><option value="canary">canary</option><option value="blue_green">blue-green</option><option value="immediate">immediate</option>
            </select>
            {fieldError("requiredStrategy")}
          </label>
          <label className="text-sm font-medium">Expires after (hours)
            <input type="number" min={1} max={720} step="any" className={input} value={d.expiryHours} onChange={(e) => set({ expiryHours: e.target.value })} />
            {fieldError("expiryHours")}
          </label>
          <label className="text-sm font-medium sm:col-span-2">Protected aliases (move only through a promotion)
            <input className={input} value={d.protectedAliases} onChange={(e) => set({ protectedAliases: e.target.value })} placeholder="champion" />
            {fieldError("protectedAliases")}
          </label>
          <label className="text-sm font-medium sm:col-span-2">Metric gates, one per line
            <textarea rows={3} className={`${input} font-mono`} value={d.metrics} onChange={(e) => set({ metrics: e.target.value })} placeholder={"auc >= champion - 0.005\naccuracy >= 0.7"} />
            <span className="mt-1 block text-xs font-normal text-slate-500">Absolute (<code>auc &gt;= 0.75</code>) or against the version serving now (<code>auc &gt;= champion - 0.005</code>).</span>
            {fieldError("gates.metrics")}
          </label>
          <label className="flex items-center gap-2 text-sm font-medium sm:col-span-2">
            <input type="checkbox" checked={d.signature} onChange={(e) => set({ signature: e.target.checked })} />
            Signature gate: a new version&apos;s inputs must match the live version&apos;s
            {fieldError("gates.signature")}
          </label>
          <div className="sm:col-span-2">
            <label className="flex items-center gap-2 text-sm font-medium">
              <input type="checkbox" checked={d.shadow} onChange={(e) => set({ shadow: e.target.checked })} />
              Shadow gate: a new version must first serve as a shadow on the endpoint
            </label>
            {d.shadow && (
              <div className="mt-2 grid gap-4 sm:grid-cols-2">
                <label className="text-sm font-medium">At least this many shadow requests
                  <input type="number" min={1} className={input} value={d.minRequests} onChange={(e) => set({ minRequests: e.target.value })} />
                  {fieldError("gates.shadow.minRequests")}
                </label>
                <label className="text-sm font-medium">Largest mean |shadow − served|
                  <input type="number" min={0} step="any" className={input} value={d.maxMeanAbsDiff} onChange={(e) => set({ maxMeanAbsDiff: e.target.value })} />
                  {fieldError("gates.shadow.maxMeanAbsDiff")}
                </label>
              </div>
            )}
            {!(errorAt("gates.shadow.minRequests") || errorAt("gates.shadow.maxMeanAbsDiff")) && fieldError("gates.shadow")}
          </div>
        </fieldset>
        {canManage && (
          <div className="mt-4 flex flex-wrap items-center gap-3 border-t border-slate-100 pt-4">
            <button className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50" disabled={save.isPending}>Save {policy.environment} policy</button>
            {save.isSuccess && !save.isPending && <span role="status" className="text-sm text-green-700">Saved as revision {current.revision}.</span>}
          </div>
        )}
        {unplaced && <div className="mt-3"><ErrorBox message={unplaced} /></div>}
      </form>
    </Card>
  );
}
