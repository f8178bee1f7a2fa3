import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { nameOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { getVersion } from "@/lib/registry/list-versions";
import { getModel } from "@/lib/registry/list-models";
import { allowed } from "@/lib/auth/policy";
import { AppError } from "@/lib/errors";
import { A, Badge, Card, PageHeader, when } from "@/components/ui";
import { SignatureTable } from "@/components/signature-table";
import { DeployVersionButton } from "@/components/deploy-version-button";
import { VersionDetailsEditor } from "@/components/version-details-editor";
import { AliasControl } from "@/components/alias-control";
import { ArchiveControl } from "@/components/archive-control";

export default async function VersionPage({ params }: { params: Promise<{ team: string; model: string; n: string }> }) {
  const { team, model: raw, n } = await params;
  const me = await requireMember(team, "model.read");
  const model = nameOr404(raw);
  const number = Number(n);
  if (!/^\d{1,9}$/.test(n) || number < 1) notFound(); // also keeps 2^31 and "1e3" from the query
  const { db } = getServices();
  const [v, m] = await Promise.all([getVersion({ db, teamId: me.teamId, modelName: model, number }), getModel({ db, teamId: me.teamId, name: model })]).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const canPush = allowed(me, "version.push");
  const children = await db.modelVersion.findMany({ where: { parent: { number, model: { name: model, teamId: me.teamId } } }, select: { number: true } });
  return (
    <>
      <PageHeader
        title={<><A href={`/t/${team}/models/${model}`}>{model}</A> <span className="text-slate-500">/</span> v{v.number}</>}
        subtitle={<>pushed by {v.createdBy} on {when(v.createdAt)}{v.archivedAt && <> · <Badge tone="amber">archived</Badge> by {v.archivedBy} on {when(v.archivedAt)}: it can no longer be routed or promoted</>}</>}
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <a href={`/api/v1/models/${model}/versions/${v.number}/artifact?team=${team}`} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50">Download ONNX</a>
            {allowed(me, "traffic.change") && !v.archivedAt && <DeployVersionButton team={team} model={model} version={v.number} />}
            {canPush && <ArchiveControl team={team} model={model} number={v.number} archived={Boolean(v.archivedAt)} />}
          </div>
        }
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
            <dt className="text-slate-500">Reference data</dt>
            <dd data-testid="version-reference">{v.reference ? (v.reference.sampledFrom > v.reference.rows ? `${v.reference.rows.toLocaleString("en")} rows, a sample of ${v.reference.sampledFrom.toLocaleString("en")} (for drift reports)` : `${v.reference.rows.toLocaleString("en")} rows (for drift reports)`) : "none"}</dd>
            <dt className="text-slate-500">Reference profile</dt><dd>{v.hasReferenceProfile ? "stored" : "none"}</dd>
            <dt className="text-slate-500">SHA-256</dt><dd className="break-all font-mono text-xs">{v.sha256}</dd>
            <dt className="text-slate-500">Size</dt><dd>{(v.sizeBytes / 1024).toFixed(1)} KiB</dd>
          </dl>
        </Card>
        <Card title="Parameters">
          <dl className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm [&_dd]:break-words">
            {Object.entries(v.params).map(([k, x]) => (<div key={k} className="contents"><dt className="text-slate-500">{k}</dt><dd className="font-mono">{String(x)}</dd></div>))}
          </dl>
        </Card>
        <VersionDetailsEditor team={team} model={model} version={v} canEdit={canPush} />
        <AliasControl team={team} model={model} number={v.number} modelAliases={m.aliases} canSet={allowed(me, "alias.set")} archived={Boolean(v.archivedAt)} />
        <Card title="Signature" className="md:col-span-2"><SignatureTable signature={v.signature} /></Card>
      </div>
    </>
  );
}
