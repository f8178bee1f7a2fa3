import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { nameOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { getModel } from "@/lib/registry/list-models";
import { listVersions } from "@/lib/registry/list-versions";
import { bestMetrics, metricNames } from "@/lib/registry/best-metric";
import { AppError } from "@/lib/errors";
import { servingByVersion } from "@/lib/serving/control/endpoints/serving-by-version";
import { A, Badge, Card, EmptyState, PageHeader, TableWrap, td, th, when } from "@/components/ui";
import { SignatureTable } from "@/components/signature-table";

export default async function ModelPage({ params }: { params: Promise<{ team: string; model: string }> }) {
  const { team, model: raw } = await params;
  const me = await requireMember(team, "model.read");
  const name = nameOr404(raw);
  const { db } = getServices();
  const [model, versions] = await Promise.all([getModel({ db, teamId: me.teamId, name }), listVersions({ db, teamId: me.teamId, modelName: name })]).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const serving = await servingByVersion(db, me.teamId, name);
  const metrics = metricNames(versions.map((v) => v.metrics));
  const best = bestMetrics(versions.map((v) => v.metrics));
  return (
    <>
      <PageHeader
        title={model.name}
        subtitle={<>{model.task}{model.description ? ` · ${model.description}` : ""}</>}
        actions={<div className="flex flex-wrap gap-1">{Object.entries(model.aliases).map(([a, v]) => <Badge key={a} tone="indigo">{a} → v{v}</Badge>)}</div>}
      />
      {versions.length === 0 ? (
        <EmptyState title="No versions yet">
          Push one with the <a className="underline" href="/cli/switchyard.mjs" download>Switchyard CLI</a>:{" "}
          <code className="rounded bg-slate-100 px-1">node switchyard.mjs versions push model.onnx --model {model.name} --metrics metrics.json</code>
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <Card title="Versions">
            <TableWrap>
              <table className="w-full" data-testid="versions-table">
                <thead>
                  <tr>
                    <th className={th}>Version</th>
                    <th className={th}>Aliases</th>
                    <th className={th}>Serving</th>
                    {metrics.map((m) => <th key={m} className={th}>{m}</th>)}
                    <th className={th}>Tags</th><th className={th}>Dataset</th><th className={th}>Lineage</th><th className={th}>By</th><th className={th}>When</th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => (
                    <tr key={v.number}>
                      <td className={td}><A href={`/t/${team}/models/${model.name}/versions/${v.number}`}>v{v.number}</A></td>
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
            {versions.length > 1 && <p className="mt-2 text-xs text-slate-500">The best value of each metric is in green (highest, or lowest for losses and errors).</p>}
          </Card>
          <Card title={`Signature of v${versions[0].number}`}>
            <SignatureTable signature={versions[0].signature} />
          </Card>
        </div>
      )}
    </>
  );
}
