"use client";
// One drift report: its status (polled while it is queued or running), the summary, and every column
// most drifted first, each with its statistics and the reference and current histograms on one chart.
// The model's first output comes first when the report compared it.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import { versionColor } from "@/lib/web/version-color";
import { METHOD_NAMES, STATUS_TONES, sharePercent, stat, windowLength, windowWords, whoWords, type DriftReportFull, type FeatureDriftView } from "@/lib/web/drift-words";
import { A, Badge, Card, ErrorBox, TableWrap, td, th, when } from "./ui";
import { DriftHistogram } from "./drift-histogram";

const POLL_MS = 1_500;

/** The figure that decided `drifted`, by the column's method. */
function deciding(f: FeatureDriftView): number | null {
  return f.method === "wasserstein" ? f.wasserstein : f.method === "jensenshannon" ? f.jsDistance : f.pValue;
}

const ms = (v: number | undefined) => (v === undefined ? "—" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

export function DriftReportDetails({ team, id }: { team: string; id: string }) {
  const q = useQuery({
    queryKey: ["drift-report", team, id],
    queryFn: () => apiFetch<DriftReportFull>(team, `/api/v1/drift-reports/${id}`),
    refetchInterval: (query) => (query.state.data && (query.state.data.status === "queued" || query.state.data.status === "running") ? POLL_MS : false),
  });
  if (q.error) return <ErrorBox message={q.error.message} />;
  const r = q.data;
  if (!r) return <p className="text-sm text-slate-500" aria-busy="true">Loading the report…</p>;
  const pending = r.status === "queued" || r.status === "running";
  const color = versionColor(r.reference.model, r.version ?? r.reference.version);
  const columns = [...(r.prediction ? [{ ...r.prediction, output: true }] : []), ...r.features.map((f) => ({ ...f, output: false }))];
  return (
    <div className="space-y-6">
      <Card title="Summary">
        <div className="space-y-3" data-testid="drift-summary">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span data-testid="drift-status"><Badge tone={STATUS_TONES[r.status]}>{r.status}</Badge></span>
            {pending && <span role="status" className="text-slate-600">{r.status === "queued" ? "Waiting for a job worker…" : "Computing…"} (this page updates by itself)</span>}
            {r.status === "succeeded" && r.datasetDrift && (
              r.datasetDrift.drifted ? <Badge tone="red">Dataset drifted</Badge> : r.rows.current === 0 ? <Badge tone="amber">Empty window</Badge> : <Badge tone="green">No dataset drift</Badge>
            )}
          </p>
          {r.error && <ErrorBox message={`The report failed: ${r.error}`} />}
          <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="text-slate-600">Drift share</dt>
            <dd><span className="text-lg font-semibold tabular-nums" data-testid="drift-share">{sharePercent(r.datasetDrift?.share)}</span> <span className="text-slate-500">of tested columns drifted ({r.features.filter((f) => f.drifted).length} of {r.features.filter((f) => f.statistic !== null).length} inputs)</span></dd>
            <dt className="text-slate-600">Window</dt>
            <dd>{windowWords(r.from, r.to)} ({windowLength(r.from, r.to)})</dd>
            <dt className="text-slate-600">Rows</dt>
            <dd className="tabular-nums">{r.rows.current === null ? "—" : r.rows.current.toLocaleString("en-US")} in the window ({r.version === null ? "every served row" : `served by v${r.version}`}) · {r.rows.reference === null ? "—" : r.rows.reference.toLocaleString("en-US")} reference rows</dd>
            <dt className="text-slate-600">Reference</dt>
            <dd><A href={`/t/${team}/models/${r.reference.model}/versions/${r.reference.version}`}>{r.reference.model} v{r.reference.version}</A>&apos;s reference data</dd>
            <dt className="text-slate-600">Asked by</dt>
            <dd>{whoWords(r)}{r.scheduled ? " (the endpoint's schedule)" : ""}, {when(r.createdAt)}</dd>
            <dt className="text-slate-600">Timings</dt>
            <dd>
              {r.startedAt ? `started ${when(r.startedAt)}` : "not started"}{r.finishedAt ? `, finished ${when(r.finishedAt)}` : ""}
              {r.timings && <span className="text-slate-600"> · reading {ms(r.timings.readMs)}, reference {ms(r.timings.referenceMs)}, computing {ms(r.timings.computeMs)}, total {ms(r.timings.totalMs)}</span>}
            </dd>
          </dl>
          {r.notes.length > 0 && (
            <ul className="list-disc space-y-0.5 pl-5 text-sm text-slate-700" data-testid="drift-notes">
              {r.notes.map((n) => <li key={n}>{n}</li>)}
            </ul>
          )}
        </div>
      </Card>

      {r.status === "succeeded" && columns.length > 0 && (
        <Card title="Columns, most drifted first">
          <TableWrap>
            <table className="w-full" data-testid="drift-columns">
              <caption className="sr-only">Every compared column with its statistics; open a column for its histograms</caption>
              <thead>
                <tr>{["Column", "Kind", "Drifted", "Decided by", "Value", "Statistic", "p-value", "PSI", "JS distance", "Wasserstein / std", "Missing"].map((h) => <th key={h} scope="col" className={th}>{h}</th>)}</tr>
              </thead>
              <tbody>
                {columns.map((f) => (
                  <tr key={`${f.output}-${f.name}`}>
                    <th scope="row" className={`${td} text-left font-medium`}><a href={`#column-${f.name}`} className="text-indigo-700 hover:underline">{f.name}</a>{f.output && <span className="ml-1 text-xs text-slate-500">(prediction)</span>}</th>
                    <td className={td}>{f.kind}</td>
                    <td className={td}>{f.statistic === null ? <span className="text-slate-500">not tested</span> : f.drifted ? <Badge tone="red">drifted</Badge> : <span className="text-slate-600">no</span>}</td>
                    <td className={td}>{METHOD_NAMES[f.method]}</td>
                    <td className={`${td} text-right tabular-nums`}>{stat(deciding(f))}</td>
                    <td className={`${td} text-right tabular-nums`}>{stat(f.statistic)}</td>
                    <td className={`${td} text-right tabular-nums`}>{stat(f.pValue)}</td>
                    <td className={`${td} text-right tabular-nums`}>{stat(f.psi)}</td>
                    <td className={`${td} text-right tabular-nums`}>{stat(f.jsDistance)}</td>
                    <td className={`${td} text-right tabular-nums`}>{stat(f.wasserstein)}</td>
                    <td className={`${td} text-right tabular-nums`}>{sharePercent(f.missingShare)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <p className="mt-2 text-xs text-slate-500">Statistic: Kolmogorov–Smirnov D (numeric) or Pearson&apos;s chi² (categorical). Formulas: README, Drift statistics.</p>
        </Card>
      )}

      {r.status === "succeeded" && (
        <section aria-labelledby="histograms-title">
          <h2 id="histograms-title" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Distributions: reference against the window</h2>
          <div className="grid gap-4 lg:grid-cols-2">
            {columns.map((f) => (
              <Card key={`${f.output}-${f.name}`} className="scroll-mt-4">
                <div id={`column-${f.name}`} data-testid="drift-column" data-drifted={f.drifted} className="space-y-2">
                  <h3 className="flex flex-wrap items-center gap-2 text-sm font-semibold">
                    {f.name}{f.output && <span className="font-normal text-slate-500">(the model&apos;s first output)</span>}
                    {f.drifted ? <Badge tone="red">drifted</Badge> : f.statistic === null ? <Badge>not tested</Badge> : <Badge tone="green">no drift</Badge>}
                    <span className="font-normal text-slate-600">{f.kind}, {METHOD_NAMES[f.method]} {stat(deciding(f))}, PSI {stat(f.psi)}</span>
                  </h3>
                  {r.histograms?.[f.name]
                    ? <DriftHistogram name={f.name} histogram={r.histograms[f.name]} color={color} />
                    : <p className="text-sm text-slate-500">No histogram stored for this column.</p>}
                </div>
              </Card>
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
