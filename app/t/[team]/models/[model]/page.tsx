import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { allowed } from "@/lib/auth/policy";
import { nameOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { getModel } from "@/lib/registry/list-models";
import { listVersions } from "@/lib/registry/list-versions";
import { DEFAULT_VERSION_SORT, VERSION_SORT } from "@/lib/registry/list-sorts";
import { parseMetricFilters } from "@/lib/registry/metric-filter";
import { bestMetrics, metricNames } from "@/lib/registry/best-metric";
import { lowerIsBetter } from "@/lib/governance/compare-evidence";
import { AppError } from "@/lib/errors";
import { servingByVersion } from "@/lib/serving/control/endpoints/serving-by-version";
import { hrefWith, param, toggledSort, type SearchParams } from "@/lib/web/list-query";
import { A, Badge, Card, EmptyState, PageHeader, TableWrap, td, th, when } from "@/components/ui";
import { SignatureTable } from "@/components/signature-table";
import { ListSearch, Pager, SortHeader, sortDir } from "@/components/list-search";
import { CompareSelection } from "@/components/compare-selection";
import { UploadVersion } from "@/components/upload-version";

export default async function ModelPage({ params, searchParams }: { params: Promise<{ team: string; model: string }>; searchParams: Promise<SearchParams> }) {
  const { team, model: raw } = await params;
  const sp = await searchParams;
  const me = await requireMember(team, "model.read");
  const name = nameOr404(raw);
  const { db } = getServices();
  const base = `/t/${team}/models/${name}`;
  const state = { tag: param(sp, "tag"), metric: param(sp, "metric"), sort: param(sp, "sort"), archived: param(sp, "archived") === "true" ? "true" : undefined };
  const sort = state.sort && state.sort.length <= 120 && VERSION_SORT.test(state.sort) ? state.sort : DEFAULT_VERSION_SORT;
  const filters = state.metric ? parseMetricFilters(state.metric.slice(0, 1000)) : { filters: [] };
  const cursor = param(sp, "cursor");
  let cursorError: string | null = null;
  const [model, page] = await Promise.all([
    getModel({ db, teamId: me.teamId, name }),
    listVersions({ db, teamId: me.teamId, modelName: name, tag: state.tag?.slice(0, 64), metrics: "filters" in filters ? filters.filters : [], archived: Boolean(state.archived), sort, cursor, limit: 50 }).catch((err) => {
      if (!(err instanceof AppError && err.field === "cursor")) throw err;
      cursorError = err.message;
      return { versions: [], nextCursor: null };
    }),
  ]).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const versions = "error" in filters ? [] : page.versions;
  const serving = await servingByVersion(db, me.teamId, name);
  const metrics = metricNames(versions.map((v) => v.metrics));
  const best = bestMetrics(versions.map((v) => v.metrics));
  const filtered = Boolean(state.tag || state.metric || cursor);
  const header = (field: string, label: string, descFirst: boolean) =>
    <SortHeader key={field} label={label} dir={sortDir(sort, field)} href={hrefWith(base, { ...state, sort: toggledSort(sort, field, descFirst) })} />;
  return (
    <>
      <PageHeader
        title={model.name}
        subtitle={<>{model.task}{model.description ? ` · ${model.description}` : ""}</>}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            {Object.entries(model.aliases).map(([a, v]) => <Badge key={a} tone="indigo">{a} → v{v}</Badge>)}
            {allowed(me, "version.push") && <UploadVersion team={team} model={model.name} open={param(sp, "upload") === "1"} openHref={hrefWith(base, { ...state, upload: "1" })} closeHref={hrefWith(base, state)} />}
          </div>
        }
      />
      {model.latestVersion === null ? (
        <EmptyState title="No versions yet">
          Upload one with <b>Upload version</b> above, or push one with the <a className="underline" href="/cli/switchyard.mjs" download>Switchyard CLI</a>:{" "}
          <code className="rounded bg-slate-100 px-1">node switchyard.mjs versions push model.onnx --model {model.name} --metrics metrics.json</code>
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <Card title="Versions">
            <ListSearch action={base} keep={{ sort: state.sort, archived: state.archived }} fields={[
              { name: "metric", label: "Metric filter", value: state.metric, placeholder: "auc > 0.77, logloss < 0.5", error: "error" in filters ? filters.error : null, wide: true },
              { name: "tag", label: "Tag", value: state.tag, placeholder: "nightly" },
            ]} />
            <p className="-mt-2 mb-3 text-xs text-slate-500">
              {state.archived ? <>Archived versions are listed. <A href={hrefWith(base, { ...state, archived: undefined })}>Hide them</A></> : <><A href={hrefWith(base, { ...state, archived: "true" })}>Show archived versions</A></>}
            </p>
            {cursorError && <p role="alert" className="mb-3 text-sm text-red-700">{cursorError} <A href={hrefWith(base, state)}>Start again</A></p>}
            {versions.length === 0 ? (
              <EmptyState title={filtered ? "No version matches" : "Every version is archived"}>
                <A href={base}>Show every version</A>
              </EmptyState>
            ) : (
              <CompareSelection action={`${base}/compare`}>
                <TableWrap>
                  <table className="w-full" data-testid="versions-table">
                    <thead>
                      <tr>
                        <th className={th}><span className="sr-only">Compare</span></th>
                        {header("number", "Version", true)}
                        <th className={th}>Aliases</th>
                        <th className={th}>Serving</th>
                        {metrics.map((m) => header(`metrics.${m}`, m, !lowerIsBetter(m)))}
                        <th className={th}>Tags</th><th className={th}>Dataset</th><th className={th}>Lineage</th><th className={th}>By</th>
                        {header("createdAt", "When", true)}
                      </tr>
                    </thead>
                    <tbody>
                      {versions.map((v) => (
                        <tr key={v.number} className={v.archivedAt ? "text-slate-500" : undefined}>
                          <td className={td}><input type="checkbox" name="v" value={v.number} aria-label={`Compare v${v.number}`} className="h-4 w-4" /></td>
                          <td className={td}>
                            <A href={`${base}/versions/${v.number}`}>v{v.number}</A>
                            {v.archivedAt && <span className="ml-2"><Badge>archived</Badge></span>}
                          </td>
                          <td className={td}><div className="flex gap-1">{v.aliases.map((a) => <Badge key={a} tone="indigo">{a}</Badge>)}</div></td>
                          <td className={td}>
                            <div className="flex gap-1">
                              {(serving.get(v.number) ?? []).map((s) => (
                                <A key={s.endpoint} href={`/t/${team}/endpoints/${s.endpoint}`}>{s.endpoint} {s.role === "shadow" ? "(shadow)" : `${s.weight}%`}</A>
                              ))}
                            </div>
                          </td>
                          {metrics.map((m) => (
                            <td key={m} className={`${td} tabular-nums ${v.metrics[m] === best[m] && versions.length > 1 ? "font-semibold text-green-700" : ""}`} title={v.metrics[m] === best[m] ? "best" : undefined}>
                              {v.metrics[m] ?? "—"}
                            </td>
                          ))}
                          <td className={td}><div className="flex gap-1">{v.tags.map((t) => <Badge key={t}>{t}</Badge>)}</div></td>
                          <td className={td}>{v.dataset ?? "—"}</td>
                          <td className={td}>{v.source}{v.parentVersion ? ` from v${v.parentVersion}` : ""}</td>
                          <td className={td}>{v.createdBy}</td>
                          <td className={td}>{when(v.createdAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </CompareSelection>
            )}
            <Pager first={cursor ? hrefWith(base, state) : null} next={page.nextCursor && versions.length ? hrefWith(base, state, { cursor: page.nextCursor }) : null} />
            {versions.length > 1 && <p className="mt-2 text-xs text-slate-500">The best value of each metric on this page is in green (highest, or lowest for losses and errors). Click a column to sort by it.</p>}
          </Card>
          {versions[0] && (
            <Card title={`Signature of v${versions[0].number}`}>
              <SignatureTable signature={versions[0].signature} />
            </Card>
          )}
        </div>
      )}
    </>
  );
}
