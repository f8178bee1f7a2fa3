"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Fragment, useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import { apiQuery, filtersFrom, isRange, RANGES, urlOf, type Filters } from "@/lib/web/prediction-filters";
import type { ResponseOf } from "@/lib/api/contract";
import type { listPredictions } from "@/lib/api/contracts/predictions";
import { Badge, Card, EmptyState, ErrorBox, TableWrap, td, th } from "./ui";

type Page = ResponseOf<typeof listPredictions>;
type Prediction = Page["predictions"][number];

const PAGE = 100;
const input = "rounded-md border border-slate-300 px-2 py-1 text-sm";

/** An ISO time as a datetime-local input shows it (local time, to the minute), and back. */
const toLocalInput = (iso?: string) => {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : "");

const timeOf = (iso: string) => iso.replace("T", " ").slice(0, 23);

function StatusCell({ status }: { status: number }) {
  return <Badge tone={status < 400 ? "green" : status < 500 ? "amber" : "red"}>{status}</Badge>;
}

/** Where the API's error concerns one filter, the filter shows it; others go on top. */
function FieldError({ error, field }: { error: unknown; field: string }) {
  if (!(error instanceof ApiFetchError) || error.input !== field) return null;
  return <span role="alert" className="text-xs text-red-700">{error.message}</span>;
}

/**
 * An endpoint's prediction log: filters kept in the URL, a dense table newest first whose rows open
 * on inputs, outputs and error, "Load more" by cursor, and the filtered set as a download.
 */
export function PredictionExplorer({ team, endpoint }: { team: string; endpoint: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = filtersFrom(new URLSearchParams(params.toString()));
  const [open, setOpen] = useState<Set<string>>(new Set());

  const q = useInfiniteQuery({
    queryKey: ["predictions", team, endpoint, filters],
    initialPageParam: null as { cursor: string; from: string; to: string } | null,
    queryFn: ({ pageParam }) => {
      const query = apiQuery(filters, pageParam ?? undefined);
      query.set("limit", String(PAGE));
      if (pageParam) query.set("cursor", pageParam.cursor);
      return apiFetch<Page>(team, `/api/v1/endpoints/${endpoint}/predictions?${query}`);
    },
    getNextPageParam: (last) => (last.nextCursor ? { cursor: last.nextCursor, from: last.from, to: last.to } : undefined),
    retry: (n, err) => !(err instanceof ApiFetchError && err.status < 500) && n < 2,
  });
  const pages = q.data?.pages ?? [];
  const rows = pages.flatMap((p) => p.predictions);
  const first = pages[0];
  const last = pages[pages.length - 1];
  // a rare filter stops searching in time: say how far back it got
  const stoppedShort = last && last.nextCursor && last.predictions.length < PAGE;

  const apply = (next: Filters) => router.replace(`${pathname}${urlOf(next)}`, { scroll: false });
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const get = (k: string) => String(f.get(k) ?? "").trim();
    const from = fromLocalInput(get("from"));
    const to = fromLocalInput(get("to"));
    apply({
      range: from || to ? undefined : filters.range, from, to,
      variant: get("variant"), status: get("status"), shadow: get("shadow") === "served" ? "" : get("shadow"),
      minLatencyMs: get("minLatencyMs"), requestId: get("requestId"), feature: get("feature"), value: get("value"),
    });
  };
  const exportHref = (format: "csv" | "jsonl") => {
    const query = apiQuery(filters, first ? { from: first.from, to: first.to } : undefined);
    query.set("format", format);
    query.set("team", team);
    return `/api/v1/endpoints/${endpoint}/predictions/export?${query}`;
  };
  const toggle = (key: string) => setOpen((s) => {
    const n = new Set(s);
    if (n.has(key)) n.delete(key); else n.add(key);
    return n;
  });
  const customWindow = Boolean(filters.from || filters.to);
  const range = isRange(filters.range) ? filters.range : "1h";

  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm" role="group" aria-label="Time range">
        {Object.keys(RANGES).map((r) => (
          <button
            key={r} type="button" aria-pressed={!customWindow && range === r}
            onClick={() => apply({ ...filters, range: r, from: "", to: "" })}
            className={`rounded-md border px-2 py-1 font-medium ${!customWindow && range === r ? "border-indigo-600 bg-indigo-50 text-indigo-700" : "border-slate-300 text-slate-700 hover:bg-slate-50"}`}
          >
            Last {r}
          </button>
        ))}
        {first && <span className="text-xs text-slate-500">{timeOf(first.from)} → {timeOf(first.to)} UTC</span>}
        <span className="ml-auto flex items-center gap-3">
          Export the filtered records:
          <a href={exportHref("csv")} className="font-medium text-indigo-700 hover:underline" data-testid="export-csv">CSV</a>
          <a href={exportHref("jsonl")} className="font-medium text-indigo-700 hover:underline" data-testid="export-jsonl">JSON Lines</a>
        </span>
      </div>
      <p className="-mt-1 mb-3 text-right text-xs text-slate-500">Exports hold at most 1,000,000 records (the newest); export a narrower range for more.</p>

      {/* keyed on the URL: going back or following a link refills the form */}
      <form key={params.toString()} onSubmit={onSubmit} className="mb-4 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4 lg:grid-cols-6" aria-label="Filters">
        <label className="flex flex-col gap-0.5">From<input type="datetime-local" name="from" defaultValue={toLocalInput(filters.from)} className={input} /><FieldError error={q.error} field="from" /></label>
        <label className="flex flex-col gap-0.5">To<input type="datetime-local" name="to" defaultValue={toLocalInput(filters.to)} className={input} /><FieldError error={q.error} field="to" /></label>
        <label className="flex flex-col gap-0.5">Variant<input name="variant" defaultValue={filters.variant} placeholder="any" className={input} /></label>
        <label className="flex flex-col gap-0.5">Status
          <input name="status" list="prediction-statuses" defaultValue={filters.status} placeholder="ok, error, 503…" className={input} />
          <datalist id="prediction-statuses"><option value="ok" /><option value="error" /><option value="400" /><option value="500" /><option value="503" /></datalist>
          <FieldError error={q.error} field="status" />
        </label>
        <label className="flex flex-col gap-0.5">Traffic
          <select name="shadow" defaultValue={filters.shadow ?? "served"} className={input}>
            <option value="served">served</option><option value="shadow">shadow copies</option><option value="all">both</option>
          </select>
        </label>
        <label className="flex flex-col gap-0.5">Latency at least (ms)<input name="minLatencyMs" type="number" min={0} step="any" defaultValue={filters.minLatencyMs} className={input} /><FieldError error={q.error} field="minLatencyMs" /></label>
        <label className="flex flex-col gap-0.5 sm:col-span-2">Request id<input name="requestId" defaultValue={filters.requestId} className={`${input} font-mono`} /></label>
        <label className="flex flex-col gap-0.5">Input feature<input name="feature" defaultValue={filters.feature} placeholder="e.g. age" className={input} /><FieldError error={q.error} field="feature" /></label>
        <label className="flex flex-col gap-0.5">equals<input name="value" defaultValue={filters.value} placeholder="e.g. 42" className={input} /><FieldError error={q.error} field="value" /></label>
        <div className="flex items-end gap-2 sm:col-span-2">
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1 font-medium text-white hover:bg-indigo-700">Apply</button>
          <button type="button" onClick={() => apply({})} className="rounded-md border border-slate-300 px-3 py-1 font-medium text-slate-700 hover:bg-slate-50">Clear</button>
        </div>
      </form>

      {q.isPending ? <p className="text-sm text-slate-500" aria-busy="true">Loading…</p> : q.error ? (
        <ErrorBox message={q.error instanceof ApiFetchError && q.error.status === 404 ? `Endpoint "${endpoint}" not found.` : q.error.message} />
      ) : rows.length === 0 && !stoppedShort ? (
        <EmptyState title="No predictions match">Widen the time range or clear a filter.</EmptyState>
      ) : (
        <TableWrap>
          <table className="w-full" data-testid="predictions-table">
            <thead><tr><th className={th}><span className="sr-only">Details</span></th><th className={th}>Time (UTC)</th><th className={th}>Variant</th><th className={th}>Status</th><th className={`${th} text-right`}>Latency</th><th className={th}>Request id</th></tr></thead>
            <tbody>
              {rows.map((p: Prediction, i) => {
                const key = `${p.time}|${p.requestId}|${p.variant}|${i}`;
                const isOpen = open.has(key);
                return (
                  <Fragment key={key}>
                    <tr className="cursor-pointer hover:bg-slate-50" onClick={() => toggle(key)} data-testid="prediction-row">
                      <td className={`${td} w-6 py-1`}>
                        <button type="button" aria-expanded={isOpen} aria-label={`${isOpen ? "Hide" : "Show"} request ${p.requestId}`} onClick={(e) => { e.stopPropagation(); toggle(key); }} className="text-slate-500">{isOpen ? "▾" : "▸"}</button>
                      </td>
                      <td className={`${td} py-1 font-mono text-xs tabular-nums`}>{timeOf(p.time)}</td>
                      <td className={`${td} py-1`}>{p.variant} <span className="text-slate-500">v{p.version}</span>{p.shadow && <> <Badge tone="indigo">shadow</Badge></>}</td>
                      <td className={`${td} py-1`}><StatusCell status={p.status} /></td>
                      <td className={`${td} py-1 text-right tabular-nums`}>{p.latencyMs.toFixed(1)} ms</td>
                      <td className={`${td} py-1 font-mono text-xs`}>{p.requestId}</td>
                    </tr>
                    {isOpen && (
                      <tr data-testid="prediction-details">
                        <td />
                        <td colSpan={5} className="border-b border-slate-100 px-3 pb-3">
                          <div className="grid gap-3 text-xs md:grid-cols-2">
                            <div><p className="mb-1 font-semibold text-slate-500">Inputs{p.rows > 1 ? ` (${p.rows} rows)` : ""}</p>{p.inputsSampled ? <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">{JSON.stringify(p.inputs, null, 2)}</pre> : <p className="italic text-slate-500">inputs not sampled (the endpoint keeps the inputs of a share of requests)</p>}</div>
                            <div><p className="mb-1 font-semibold text-slate-500">Outputs</p><pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">{JSON.stringify(p.outputs, null, 2)}</pre></div>
                            {p.error && <div className="md:col-span-2"><p className="mb-1 font-semibold text-slate-500">Error</p><p className="rounded bg-red-50 p-2 text-red-700">{p.error}</p></div>}
                          </div>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {stoppedShort && (
        <p className="mt-3 text-sm text-slate-600">
          {rows.length} found so far; searched back to {timeOf(last.searchedFrom)} UTC. Few records match, so each answer searches part of the range.
        </p>
      )}
      {q.hasNextPage && (
        <button type="button" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage} className="mt-3 text-sm font-medium text-indigo-700 hover:underline disabled:opacity-60">
          {q.isFetchingNextPage ? "Loading…" : stoppedShort ? "Keep searching" : "Load more"}
        </button>
      )}
    </Card>
  );
}
