"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { listDeliveries } from "@/lib/api/contracts/notifications";
import { Badge, Card, EmptyState, ErrorBox, TableWrap, td, th, when } from "./ui";

const STATUSES = ["", "failed", "pending", "sending", "succeeded"] as const;
const TONE = { succeeded: "green", failed: "red", pending: "amber", sending: "indigo" } as const;

export function DeliveriesPanel({ team }: { team: string }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("");
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const key = ["deliveries", team, status, cursor];
  const page = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<ResponseOf<typeof listDeliveries>>(team, `/api/v1/deliveries?${new URLSearchParams({ limit: "50", ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) })}`),
    refetchInterval: 5_000,
  });
  const redeliver = useMutation({
    mutationFn: (id: string) => apiFetch(team, `/api/v1/deliveries/${id}/redeliver`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["deliveries", team] }),
  });

  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
        <label className="font-medium">Status{" "}
          <select value={status} onChange={(e) => { setStatus(e.target.value as typeof status); setCursors([]); }} className="ml-1 rounded-md border border-slate-300 px-2 py-1">
            {STATUSES.map((s) => <option key={s} value={s}>{s || "all"}</option>)}
          </select>
        </label>
        {cursors.length > 0 && <button onClick={() => setCursors((c) => c.slice(0, -1))} className="font-medium text-indigo-700 hover:underline">Newer</button>}
        {page.data?.nextCursor && <button onClick={() => setCursors((c) => [...c, page.data!.nextCursor!])} className="font-medium text-indigo-700 hover:underline">Older</button>}
      </div>
      {redeliver.error && <div className="mb-3"><ErrorBox message={redeliver.error.message} /></div>}
      {page.isPending ? <p className="text-sm text-slate-500">Loading…</p> : page.error ? <ErrorBox message={page.error.message} /> : page.data.deliveries.length === 0 ? (
        <EmptyState title="No deliveries">Events sent to this team&apos;s channels show up here.</EmptyState>
      ) : (
        <TableWrap>
          <table className="w-full" data-testid="deliveries">
            <thead><tr><th className={th}>Event</th><th className={th}>Channel</th><th className={th}>Status</th><th className={th}>Attempts</th><th className={th}>Last code</th><th className={th}>Last answer</th><th className={th}>Created</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {page.data.deliveries.map((d) => (
                <tr key={d.id} className="align-top">
                  <td className={`${td} font-mono text-xs`}>{d.eventType}</td>
                  <td className={td}>{d.channel.name} <span className="text-xs text-slate-500">{d.channel.kind}</span></td>
                  <td className={td}>
                    <Badge tone={TONE[d.status]}>{d.status}</Badge>
                    {d.nextAttemptAt && <span className="block text-xs text-slate-500">next {when(d.nextAttemptAt)}</span>}
                  </td>
                  <td className={td}>{d.attempts}</td>
                  <td className={td}>{d.lastStatusCode ?? "—"}</td>
                  <td className={`${td} max-w-sm whitespace-normal break-words text-xs`}>
                    {d.lastError && <span className="block text-red-700">{d.lastError}</span>}
                    {d.lastResponse && <code className="block max-h-16 overflow-hidden text-slate-600">{d.lastResponse.slice(0, 200)}</code>}
                  </td>
                  <td className={td}>{when(d.createdAt)}{d.deliveredAt && <span className="block text-xs text-slate-500">delivered {when(d.deliveredAt)}</span>}</td>
                  <td className={td}>
                    {(d.status === "failed" || d.status === "succeeded") && (
                      <button onClick={() => redeliver.mutate(d.id)} disabled={redeliver.isPending} className="text-sm font-medium text-indigo-700 hover:underline">Redeliver</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}
