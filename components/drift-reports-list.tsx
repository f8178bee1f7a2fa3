"use client";
// An endpoint's drift reports, newest first, a page at a time (cursor). Reports still queued or running
// are polled until they finish.
import { useInfiniteQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { listDriftReports } from "@/lib/api/contracts/drift";
import { STATUS_TONES, sharePercent, windowLength, windowWords, whoWords } from "@/lib/web/drift-words";
import { A, Badge, Card, EmptyState, ErrorBox, TableWrap, td, th, when } from "./ui";

const PAGE = 20;
type Page = ResponseOf<typeof listDriftReports>;

export function DriftReportsList({ team, endpoint }: { team: string; endpoint: string }) {
  const q = useInfiniteQuery({
    queryKey: ["drift-reports", team, endpoint, "list"],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => apiFetch<Page>(team, `/api/v1/endpoints/${endpoint}/drift-reports?limit=${PAGE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.reports.some((r) => r.status === "queued" || r.status === "running")) ? 3_000 : 60_000),
  });
  const reports = q.data?.pages.flatMap((p) => p.reports) ?? [];
  return (
    <Card title="Reports">
      {q.error && <ErrorBox message={q.error.message} />}
      {q.isPending && <p className="text-sm text-slate-500" aria-busy="true">Loading reports…</p>}
      {q.data && reports.length === 0 && <EmptyState title="No drift reports yet">Run one above, or set a schedule.</EmptyState>}
      {reports.length > 0 && (
        <TableWrap>
          <table className="w-full" data-testid="drift-reports">
            <caption className="sr-only">Drift reports of {endpoint}, newest first</caption>
            <thead>
              <tr>
                {["Report", "Status", "Window", "Version", "Rows", "Drift share", "By"].map((h) => <th key={h} scope="col" className={th}>{h}</th>)}
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr key={r.id} data-testid="drift-report-row">
                  <td className={td}><A href={`/t/${team}/drift-reports/${r.id}`}>{when(r.createdAt)}</A></td>
                  <td className={td}><Badge tone={STATUS_TONES[r.status]}>{r.status}</Badge></td>
                  <td className={td}>{windowWords(r.from, r.to)} <span className="text-slate-500">({windowLength(r.from, r.to)})</span></td>
                  <td className={td}>{r.version === null ? <span className="text-slate-600">all served</span> : `v${r.version}`} <span className="text-slate-500">vs {r.reference.model} v{r.reference.version}</span></td>
                  <td className={`${td} text-right tabular-nums`}>{r.rows.current === null ? "—" : r.rows.current.toLocaleString("en-US")}</td>
                  <td className={`${td} tabular-nums`}>
                    {sharePercent(r.datasetDrift?.share)}
                    {r.datasetDrift?.drifted && <span className="ml-2"><Badge tone="red">drifted</Badge></span>}
                    {r.status === "failed" && r.error && <span className="ml-2 text-xs text-red-700">{r.error.slice(0, 80)}</span>}
                  </td>
                  <td className={td}>{whoWords(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {q.hasNextPage && (
        <button type="button" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage} className="mt-3 text-sm font-medium text-indigo-700 hover:underline disabled:opacity-60">
          {q.isFetchingNextPage ? "Loading older reports…" : "Older reports"}
        </button>
      )}
    </Card>
  );
}
