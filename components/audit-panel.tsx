"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import { Card, EmptyState, ErrorBox, TableWrap, td, th, when } from "./ui";
import type { ResponseOf } from "@/lib/api/contract";
import type { listAudit } from "@/lib/api/contracts/audit";

type Page = ResponseOf<typeof listAudit>;

export function AuditPanel({ team }: { team: string }) {
  const [filters, setFilters] = useState({ action: "", actor: "" });
  const q = useInfiniteQuery({
    queryKey: ["audit", team, filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: "50" });
      if (filters.action) p.set("action", filters.action);
      if (filters.actor) p.set("actor", filters.actor);
      if (pageParam) p.set("before", pageParam);
      return apiFetch<Page>(team, `/api/v1/audit?${p}`);
    },
    getNextPageParam: (last) => last.nextBefore,
  });
  const events = q.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <Card>
      <form
        className="mb-4 flex flex-wrap gap-3" role="search" aria-label="Filter the audit log"
        onSubmit={(e) => { e.preventDefault(); const f = new FormData(e.currentTarget); setFilters({ action: String(f.get("action") ?? ""), actor: String(f.get("actor") ?? "") }); }}
      >
        <input name="action" type="search" data-search aria-label="Action (starts with)" placeholder="action, e.g. version." className="rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        <input name="actor" type="search" aria-label="Actor" placeholder="actor" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm" />
        <button className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium">Filter</button>
        {/* the whole audit with its hash chain, for auditors (README "Audit") */}
        <span className="ml-auto flex items-center gap-3 text-sm">
          Download:
          <a href={`/api/v1/audit/export?format=jsonl&team=${encodeURIComponent(team)}`} className="font-medium text-indigo-700">JSON Lines</a>
          <a href={`/api/v1/audit/export?format=csv&team=${encodeURIComponent(team)}`} className="font-medium text-indigo-700">CSV</a>
        </span>
      </form>
      {q.isPending ? <p className="text-sm text-slate-500">Loading…</p> : q.error ? <ErrorBox message={q.error.message} /> : events.length === 0 ? (
        <EmptyState title="No audit events match" />
      ) : (
        <TableWrap>
          <table className="w-full">
            <thead><tr><th className={th}>When</th><th className={th}>Actor</th><th className={th}>Action</th><th className={th}>Resource</th><th className={th}>Change</th></tr></thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className={td}>{when(e.createdAt)}</td>
                  <td className={td}>{e.actorLabel}</td>
                  <td className={`${td} font-mono`}>{e.action}</td>
                  <td className={td}>{e.resourceType}</td>
                  <td className={`${td} max-w-md`}>
                    <details>
                      <summary className="cursor-pointer text-indigo-700">before / after</summary>
                      <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all text-xs">{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {q.hasNextPage && <button onClick={() => q.fetchNextPage()} className="mt-3 text-sm font-medium text-indigo-700">Load older events</button>}
    </Card>
  );
}
