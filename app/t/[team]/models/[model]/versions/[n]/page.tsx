import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { nameOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { getVersion } from "@/lib/registry/list-versions";
import { AppError } from "@/lib/errors";
import { A, Badge, Card, PageHeader, when } from "@/components/ui";
import { SignatureTable } from "@/components/signature-table";

export default async function VersionPage({ params }: { params: Promise<{ team: string; model: string; n: string }> }) {
  const { team, model: raw, n } = await params;
  const me = await requireMember(team, "model.read");
  const model = nameOr404(raw);
  const number = Number(n);
  if (!/^\d{1,9}$/.test(n) || number < 1) notFound(); // also keeps 2^31 and "1e3" from the query
  const { db } = getServices();
  const v = await getVersion({ db, teamId: me.teamId, modelName: model, number }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const children = await db.modelVersion.findMany({ where: { parent: { number, model: { name: model, teamId: me.teamId } } }, select: { number: true } });
  return (
    <>
      <PageHeader
        title={<><A href={`/t/${team}/models/${model}`}>{model}</A> <span className="text-slate-500">/</span> v{v.number}</>}
        subtitle={`${v.description || "No description"} · pushed by ${v.createdBy} on ${when(v.createdAt)}`}
        actions={<a href={`/api/v1/models/${model}/versions/${v.number}/artifact?team=${team}`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50">Download ONNX</a>}
      />
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="Metrics">
          <dl className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm [&_dd]:break-words">
            {Object.entries(v.metrics).map(([k, x]) => (<div key={k} className="contents"><dt className="text-slate-500">{k}</dt><dd className="tabular-nums font-medium">{x}</dd></div>))}
          </dl>
        </Card>
        <Card title="Lineage">
          <dl className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm [&_dd]:break-words">
            <dt className="text-slate-500">Source</dt><dd>{v.source}</dd>
            <dt className="text-slate-500">Dataset</dt><dd>{v.dataset ?? "—"}</dd>
            <dt className="text-slate-500">Parent</dt><dd>{v.parentVersion ? <A href={`/t/${team}/models/${model}/versions/${v.parentVersion}`}>v{v.parentVersion}</A> : "—"}</dd>
            <dt className="text-slate-500">Children</dt><dd>{children.length ? children.map((c) => `v${c.number}`).join(", ") : "—"}</dd>
            <dt className="text-slate-500">Aliases</dt><dd className="flex flex-wrap gap-1">{v.aliases.length ? v.aliases.map((a) => <Badge key={a} tone="indigo">{a}</Badge>) : "—"}</dd>
            <dt className="text-slate-500">Reference profile</dt><dd>{v.hasReferenceProfile ? "stored (for drift reports)" : "none"}</dd>
            <dt className="text-slate-500">SHA-256</dt><dd className="break-all font-mono text-xs">{v.sha256}</dd>
            <dt className="text-slate-500">Size</dt><dd>{(v.sizeBytes / 1024).toFixed(1)} KiB</dd>
          </dl>
        </Card>
        <Card title="Parameters">
          <dl className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm [&_dd]:break-words">
            {Object.entries(v.params).map(([k, x]) => (<div key={k} className="contents"><dt className="text-slate-500">{k}</dt><dd className="font-mono">{String(x)}</dd></div>))}
          </dl>
        </Card>
        <Card title="Tags"><div className="flex flex-wrap gap-1">{v.tags.length ? v.tags.map((t) => <Badge key={t}>{t}</Badge>) : <span className="text-sm text-slate-500">none</span>}</div></Card>
        <Card title="Signature" className="md:col-span-2"><SignatureTable signature={v.signature} /></Card>
      </div>
    </>
  );
}
