"use client";
// The endpoint page's drift card: the last finished report's dataset drift share (drifted or not, when,
// over which window), the share of every recent report over time, and a link to the reports.
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { getDriftSettings, listDriftReports } from "@/lib/api/contracts/drift";
import { sharePercent, windowLength, windowWords, whoWords } from "@/lib/web/drift-words";
import { A, Badge, Card, ErrorBox, when } from "./ui";
import { DriftShareChart } from "./drift-share-chart";

/** The reports the chart draws: the newest this many. */
const CHART_REPORTS = 100;

export function DriftCard({ team, endpoint }: { team: string; endpoint: string }) {
  const reports = useQuery({
    queryKey: ["drift-reports", team, endpoint, "chart"],
    queryFn: () => apiFetch<ResponseOf<typeof listDriftReports>>(team, `/api/v1/endpoints/${endpoint}/drift-reports?limit=${CHART_REPORTS}`),
    refetchInterval: 60_000,
  });
  const settings = useQuery({
    queryKey: ["drift-settings", team, endpoint],
    queryFn: () => apiFetch<ResponseOf<typeof getDriftSettings>>(team, `/api/v1/endpoints/${endpoint}/drift-settings`),
  });
  const last = reports.data?.reports.find((r) => r.status === "succeeded");
  const schedule = settings.data?.schedule;
  return (
    <Card>
      <section aria-labelledby="drift-title" data-testid="drift-card">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="drift-title" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Drift</h2>
          <A href={`/t/${team}/endpoints/${endpoint}/drift`}>Drift reports →</A>
        </div>
        {reports.error && <ErrorBox message={reports.error.message} />}
        {!reports.data && !reports.error && <p className="text-sm text-slate-500" aria-busy="true">Loading drift reports…</p>}
        {reports.data && (
          <div className="grid gap-4 md:grid-cols-[minmax(0,16rem)_minmax(0,1fr)]">
            <div className="space-y-1 text-sm" data-testid="drift-last">
              {last ? (
                <>
                  {last.datasetDrift?.share === null || last.datasetDrift?.share === undefined ? (
                    <p className="text-slate-700">No column could be tested: the window held no served rows.</p>
                  ) : (
                    <p>
                      <span className="text-3xl font-semibold tabular-nums">{sharePercent(last.datasetDrift.share)}</span>{" "}
                      <span className="text-slate-500">of columns drifted</span>
                    </p>
                  )}
                  <p>{last.datasetDrift?.drifted ? <Badge tone="red">Dataset drifted</Badge> : last.rows.current === 0 ? <Badge tone="amber">Empty window</Badge> : <Badge tone="green">No dataset drift</Badge>}</p>
                  <p className="text-slate-600">Window {windowWords(last.from, last.to)} ({windowLength(last.from, last.to)}), {(last.rows.current ?? 0).toLocaleString("en-US")} rows</p>
                  <p className="text-slate-600">Finished {last.finishedAt ? when(last.finishedAt) : "—"}, {whoWords(last)}, against {last.reference.model} v{last.reference.version}</p>
                  <p><A href={`/t/${team}/drift-reports/${last.id}`}>Open this report</A></p>
                </>
              ) : (
                <p className="text-slate-500">No finished drift report yet.</p>
              )}
              <p className="text-slate-600">{schedule ? `Scheduled: every ${schedule.everyMinutes} min over the last ${schedule.windowMinutes} min.` : "No schedule: reports run when someone asks."}</p>
            </div>
            <DriftShareChart reports={reports.data.reports} threshold={settings.data?.thresholds.datasetShare ?? null} />
          </div>
        )}
      </section>
    </Card>
  );
}
