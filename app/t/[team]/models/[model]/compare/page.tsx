import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { getModel } from "@/lib/registry/list-models";
import { getVersion } from "@/lib/registry/list-versions";
import { compareNumbers, metricTable, paramTable, signatureDiffs } from "@/lib/registry/compare-versions";
import type { VersionView } from "@/lib/registry/views";
import { AppError } from "@/lib/errors";
import { servingByVersion } from "@/lib/serving/control/endpoints/serving-by-version";
import { recentlyServed } from "@/lib/serving/control/endpoints/recently-served";
import type { SearchParams } from "@/lib/web/list-query";
import { A, Badge, Card, EmptyState, PageHeader, TableWrap, td, th, when } from "@/components/ui";
import { CompareLive } from "@/components/compare-live";

const num = (x: number) => String(Number(x.toPrecision(6)));
const signed = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${num(Math.abs(x))}`;
const val = (x: unknown) => (x === undefined ? "—" : typeof x === "string" ? x : JSON.stringify(x));
const CHANGE_TONE = { changed: "amber", added: "green", removed: "red" } as const;

export default async function ComparePage({ params, searchParams }: { params: Promise<{ team: string; model: string }>; searchParams: Promise<SearchParams> }) {
  const { team, model: name } = await params;
  const sp = await searchParams;
  const me = await requireMember(team, "model.read");
  const { db } = getServices();
  const model = await getModel({ db, teamId: me.teamId, name }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const base = `/t/${team}/models/${name}`;
  const header = (subtitle: React.ReactNode) => <PageHeader title={<><A href={base}>{model.name}</A> <span className="text-slate-500">/</span> compare</>} subtitle={subtitle} />;
  const numbers = compareNumbers(sp.v);
  if ("error" in numbers) {
    return <>{header(null)}<EmptyState title="Nothing to compare">{`Tick 2 to 4 versions on the model's page, then Compare (${numbers.error}).`} <A href={base}>Back to the versions</A></EmptyState></>;
  }
  const found = await Promise.all(numbers.map((n) => getVersion({ db, teamId: me.teamId, modelName: name, number: n }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") return n;
    throw err;
  })));
  const missing = found.filter((v): v is number => typeof v === "number");
  if (missing.length) {
    return <>{header(null)}<EmptyState title={`${model.name} has no ${missing.map((n) => `v${n}`).join(", ")}`}><A href={base}>Back to the versions</A></EmptyState></>;
  }
  const versions = found as VersionView[];
  const [first] = versions;
  const metrics = metricTable(versions);
  const params_ = paramTable(versions);
  const signatures = signatureDiffs(versions);
  const [serving, served] = await Promise.all([
    servingByVersion(db, me.teamId, name),
    recentlyServed({ db, teamId: me.teamId, model: name, versions: versions.map((v) => v.number), since: new Date(Date.now() - 24 * 3600_000) }),
  ]);
  const byEndpoint = new Map<string, { number: number; role: string; weight: number }[]>();
  const add = (endpoint: string, row: { number: number; role: string; weight: number }) => (byEndpoint.get(endpoint) ?? byEndpoint.set(endpoint, []).get(endpoint)!).push(row);
  for (const v of versions) for (const s of serving.get(v.number) ?? []) add(s.endpoint, { number: v.number, role: s.role, weight: s.weight });
  // versions an endpoint served in the last day but routes no more (rolled back, replaced)
  for (const v of versions) for (const endpoint of served.get(v.number) ?? []) if (!byEndpoint.get(endpoint)?.some((x) => x.number === v.number)) add(endpoint, { number: v.number, role: "earlier", weight: 0 });
  const endpoints = [...byEndpoint].map(([endpoint, vs]) => ({ endpoint, versions: vs })).sort((a, b) => b.versions.length - a.versions.length || a.endpoint.localeCompare(b.endpoint));
  const cols = versions.map((v) => (
    <th key={v.number} className={th}>
      <A href={`${base}/versions/${v.number}`}>v{v.number}</A>{v.number === first.number && <span className="ml-1 font-normal normal-case text-slate-500">(base)</span>}
    </th>
  ));
  return (
    <>
      {header(<>Each version against v{first.number}, the first one picked. <A href={base}>Back to the versions</A></>)}
      <div className="space-y-6" data-testid="compare">
        <Card title="Metrics">
          {metrics.length === 0 ? <p className="text-sm text-slate-500">None of these versions reports metrics.</p> : (
            <TableWrap>
              <table className="w-full" data-testid="compare-metrics">
                <thead><tr><th className={th}>Metric</th>{cols}</tr></thead>
                <tbody>
                  {metrics.map((m) => (
                    <tr key={m.name}>
                      <td className={td}>{m.name} <span className="text-xs text-slate-500">{m.lowerIsBetter ? "lower is better" : "higher is better"}</span></td>
                      {m.cells.map((c, i) => (
                        <td key={i} className={`${td} tabular-nums`}>
                          {c.value === null ? "—" : num(c.value)}
                          {c.delta !== null && (
                            <span className={`ml-2 text-xs font-medium ${c.better === "candidate" ? "text-green-700" : c.better === "champion" ? "text-red-700" : "text-slate-500"}`}
                              title={c.better === "candidate" ? `better than v${first.number}` : c.better === "champion" ? `worse than v${first.number}` : "the same"}>
                              {signed(c.delta)}
                            </span>
                          )}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Card>

        <Card title="Parameters">
          {params_.length === 0 ? <p className="text-sm text-slate-500">None of these versions records params.</p> : (
            <TableWrap>
              <table className="w-full" data-testid="compare-params">
                <thead><tr><th className={th}>Param</th>{cols}</tr></thead>
                <tbody>
                  {params_.map((p) => (
                    <tr key={p.name} className={p.differs ? undefined : "text-slate-500"}>
                      <td className={td}>{p.name}</td>
                      {p.cells.map((c, i) => (
                        <td key={i} className={`${td} font-mono text-xs`}>
                          {val(c.value)}
                          {c.change !== "same" && c.change !== "base" && <span className="ml-2 font-sans"><Badge tone={CHANGE_TONE[c.change]}>{c.change}</Badge></span>}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Card>

        <Card title="Signature">
          <ul className="space-y-3 text-sm" data-testid="compare-signature">
            {signatures.map((s) => (
              <li key={s.number}>
                {s.rows.length === 0 ? <p>v{s.number} takes and gives the same tensors as v{first.number}.</p> : (
                  <>
                    <p className="mb-1 font-medium">v{s.number} differs from v{first.number}:</p>
                    <TableWrap>
                      <table className="w-full">
                        <thead><tr><th className={th}>Tensor</th><th className={th}>v{first.number}</th><th className={th}>v{s.number}</th><th className={th}>Difference</th></tr></thead>
                        <tbody>
                          {s.rows.map((r) => (
                            <tr key={`${r.direction}-${r.name}`}>
                              <td className={td}>{r.direction} <span className="font-mono">{r.name}</span></td>
                              <td className={`${td} font-mono text-xs`}>{r.champion ? `${r.champion.type} [${r.champion.shape.join(", ")}]` : "—"}</td>
                              <td className={`${td} font-mono text-xs`}>{r.candidate ? `${r.candidate.type} [${r.candidate.shape.join(", ")}]` : "—"}</td>
                              <td className={td}><div className="flex gap-1">{r.mismatches.map((m) => <Badge key={m} tone="red">{m}</Badge>)}</div></td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </TableWrap>
                  </>
                )}
              </li>
            ))}
          </ul>
        </Card>

        <Card title="Lineage">
          <TableWrap>
            <table className="w-full" data-testid="compare-lineage">
              <thead><tr><th className={th}><span className="sr-only">Field</span></th>{cols}</tr></thead>
              <tbody>
                {([
                  ["Parent", (v) => (v.parentVersion ? <A href={`${base}/versions/${v.parentVersion}`}>v{v.parentVersion}</A> : "—")],
                  ["Dataset", (v) => v.dataset ?? "—"],
                  ["Source", (v) => v.source],
                  ["Pushed by", (v) => v.createdBy],
                  ["When", (v) => when(v.createdAt)],
                  ["Tags", (v) => (v.tags.length ? <div className="flex flex-wrap gap-1">{v.tags.map((t) => <Badge key={t}>{t}</Badge>)}</div> : "—")],
                  ["Aliases", (v) => (v.aliases.length ? <div className="flex flex-wrap gap-1">{v.aliases.map((a) => <Badge key={a} tone="indigo">{a}</Badge>)}</div> : "—")],
                  ["Archived", (v) => (v.archivedAt ? `by ${v.archivedBy} on ${when(v.archivedAt)}` : "no")],
                  ["SHA-256", (v) => <span className="font-mono text-xs" title={v.sha256}>{v.sha256.slice(0, 12)}…</span>],
                ] as [string, (v: VersionView) => React.ReactNode][]).map(([label, cell]) => (
                  <tr key={label}><th scope="row" className={`${td} text-left font-medium text-slate-600`}>{label}</th>{versions.map((v) => <td key={v.number} className={td}>{cell(v)}</td>)}</tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </Card>

        <CompareLive team={team} model={model.name} endpoints={endpoints} />
      </div>
    </>
  );
}
