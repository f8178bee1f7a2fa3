"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useHydrated } from "@/lib/web/use-hydrated";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { setAlias } from "@/lib/api/contracts/models";
import { Badge, Card, ErrorBox } from "./ui";
import { errorFor, FieldError, inputClass } from "./field";

type Moved = ResponseOf<typeof setAlias>;
type Requested = { promotion: { id: string; status: string } };

/**
 * Points an alias at this version, or moves it here. A protected alias (champion, by default) is not
 * moved at once: the API answers 202 with the promotion that will move it once approved.
 */
export function AliasControl({ team, model, number, modelAliases, canSet, archived }: { team: string; model: string; number: number; modelAliases: Record<string, number>; canSet: boolean; archived: boolean }) {
  const router = useRouter();
  const [alias, setAliasName] = useState("");
  const hydrated = useHydrated();
  const move = useMutation({
    mutationFn: (name: string) => apiFetch<Moved | Requested>(team, `/api/v1/models/${encodeURIComponent(model)}/aliases/${encodeURIComponent(name)}`, { method: "PUT", body: { version: number } }),
    onSuccess: (r) => { if (!("promotion" in r)) router.refresh(); },
  });
  const here = Object.entries(modelAliases).filter(([, v]) => v === number).map(([a]) => a);
  const elsewhere = Object.entries(modelAliases).filter(([, v]) => v !== number);
  const err = move.error;
  const aliasError = errorFor(err, "version") ?? errorFor(err, "alias") ?? (err && !(err as { input?: string }).input ? err.message : null);
  return (
    <Card title="Aliases">
      <div className="flex flex-wrap gap-1 text-sm" data-testid="version-aliases">
        {here.length ? here.map((a) => <Badge key={a} tone="indigo">{a}</Badge>) : <span className="text-slate-500">No alias points here.</span>}
      </div>
      {canSet && !archived && (
        <>
          {elsewhere.length > 0 && (
            <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
              <span className="text-slate-500">Move here:</span>
              {elsewhere.map(([a, v]) => (
                <button key={a} type="button" disabled={!hydrated || move.isPending} onClick={() => move.mutate(a)} className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-50">
                  {a} (now v{v})
                </button>
              ))}
            </div>
          )}
          <form className="mt-3 flex flex-wrap items-start gap-2" aria-label="Set an alias" onSubmit={(e) => { e.preventDefault(); if (alias.trim()) move.mutate(alias.trim()); }}>
            <label className="text-sm font-medium">Alias
              <input value={alias} onChange={(e) => setAliasName(e.target.value)} placeholder="challenger" pattern="[a-z0-9][a-z0-9\-_.]*" aria-invalid={Boolean(aliasError)} aria-describedby="alias-error" className={inputClass} />
              <FieldError id="alias-error" message={aliasError} />
            </label>
            <button type="submit" disabled={!hydrated || move.isPending} className="mt-6 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Point at v{number}</button>
          </form>
        </>
      )}
      {archived && <p className="mt-3 text-sm text-slate-500">Archived versions cannot be given aliases; unarchive it first.</p>}
      {move.data && "promotion" in move.data && (
        <p role="status" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This alias is protected: moving it needs approval. <Link className="font-medium underline" href={`/t/${team}/promotions/${move.data.promotion.id}`}>Promotion {move.data.promotion.id}</Link> is {move.data.promotion.status.replace(/_/g, " ")}.
        </p>
      )}
      {move.error && !aliasError && <div className="mt-3"><ErrorBox message={move.error.message} /></div>}
    </Card>
  );
}
