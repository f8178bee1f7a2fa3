"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { apiFetch } from "@/lib/web/api-fetch";
import { useHydrated } from "@/lib/web/use-hydrated";
import type { ResponseOf } from "@/lib/api/contract";
import type { archiveVersion } from "@/lib/api/contracts/models";
import { ErrorBox } from "./ui";

/** Archive (kept, never routed or promoted again) or unarchive; a routed version's 409 says which endpoint serves it. */
export function ArchiveControl({ team, model, number, archived }: { team: string; model: string; number: number; archived: boolean }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const act = useMutation({
    mutationFn: () => apiFetch<ResponseOf<typeof archiveVersion>>(team, `/api/v1/models/${encodeURIComponent(model)}/versions/${number}/${archived ? "unarchive" : "archive"}`, { method: "POST" }),
    onSuccess: () => router.refresh(),
  });
  return (
    <div className="flex flex-col items-end gap-2">
      <button type="button" disabled={!hydrated || act.isPending} onClick={() => act.mutate()}
        title={archived ? "Make it routable and promotable again" : "Keep it, but never route or promote it again"}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50">
        {archived ? "Unarchive" : "Archive"}
      </button>
      {act.error && <div className="max-w-md"><ErrorBox message={act.error.message} /></div>}
    </div>
  );
}
