"use client";
// Abort on a deployment page: asks why, then the server rolls the deployment back to the routing
// from before it (the runner notices within about a second, mid-bake too).
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { abortDeployment } from "@/lib/api/contracts/endpoints";

export function AbortDeploymentButton({ team, id, production }: { team: string; id: string; production: boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const abort = useMutation({
    mutationFn: () => apiFetch<ResponseOf<typeof abortDeployment>>(team, `/api/v1/deployments/${id}/abort`, { method: "POST", body: { reason } }),
    onSuccess: () => setOpen(false),
  });
  const err = abort.error;
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50">
        Abort
      </button>
    );
  }
  return (
    <form className="flex flex-wrap items-start gap-2" aria-label="Abort deployment" onSubmit={(e) => { e.preventDefault(); abort.mutate(); }}>
      <label className="text-sm font-medium">
        Why abort?
        <input autoFocus required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} className="ml-2 w-64 rounded-md border border-slate-300 px-2 py-1.5 text-sm" placeholder="e.g. p95 climbing on the dashboard" />
        <span className="mt-0.5 block text-xs font-normal text-slate-500">
          It stops and the routing from before it is put back{production ? " at once (no approval needed: it only restores what served)" : ""}.
        </span>
        {err && <span role="alert" className="mt-1 block text-xs font-normal text-red-700">{err instanceof ApiFetchError && err.input === "reason" ? `Reason: ${err.message}` : err.message}</span>}
      </label>
      <button type="submit" disabled={!reason.trim() || abort.isPending} className="rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">Abort and roll back</button>
      <button type="button" onClick={() => setOpen(false)} className="px-2 py-1.5 text-sm text-slate-600 hover:underline">Keep going</button>
    </form>
  );
}
