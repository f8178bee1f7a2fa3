import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { nameOr404 } from "@/lib/web/url-params";
import { can } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { AppError } from "@/lib/errors";
import { findEndpoint } from "@/lib/serving/control/endpoints/read-endpoints";
import { asRouting, servingVariants } from "@/lib/serving/shared/routing";
import { A, PageHeader } from "@/components/ui";
import { RunDriftReportForm, type VersionChoice } from "@/components/run-drift-report-form";
import { DriftReportsList } from "@/components/drift-reports-list";
import { DriftSettingsPanel } from "@/components/drift-settings-panel";

export default async function DriftReportsPage({ params }: { params: Promise<{ team: string; endpoint: string }> }) {
  const { team, endpoint: raw } = await params;
  const me = await requireMember(team, "endpoint.read");
  const endpoint = nameOr404(raw);
  const { db } = getServices();
  const found = await findEndpoint(db, me.teamId, endpoint).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const request = can(me, "drift.request", { environment: found.environment });
  const manage = can(me, "drift.manage", { environment: found.environment });
  // a report names a version of the model the endpoint serves now (the one with the largest share)
  const serving = servingVariants(asRouting(found.routing)).sort((a, b) => b.weight - a.weight);
  const model = serving[0]?.model ?? null;
  const versions: VersionChoice[] = model
    ? (await db.modelVersion.findMany({ where: { model: { teamId: me.teamId, name: model }, archivedAt: null }, orderBy: { number: "desc" }, select: { number: true, referenceSha256: true, referenceRows: true } }))
      .map((v) => ({ number: v.number, serving: serving.some((s) => s.model === model && s.version === v.number), referenceRows: v.referenceSha256 ? v.referenceRows : null }))
    : [];
  return (
    <>
      <PageHeader
        title={<>Drift reports <span className="text-slate-500">·</span> {endpoint}</>}
        subtitle="Each report compares the inputs the endpoint answered in a window with a version's reference data, column by column (README: Drift statistics)."
        actions={<A href={`/t/${team}/endpoints/${endpoint}`}>← Back to the endpoint</A>}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        {request.allowed
          ? <RunDriftReportForm team={team} endpoint={endpoint} model={model} versions={versions} />
          : <p className="text-sm text-slate-500" data-testid="drift-request-note">You cannot run reports: {request.reason}.</p>}
        <DriftSettingsPanel team={team} endpoint={endpoint} canManage={manage.allowed} manageNote={manage.allowed ? "" : `You cannot change the settings: ${manage.reason}.`} />
      </div>
      <div className="mt-6"><DriftReportsList team={team} endpoint={endpoint} /></div>
    </>
  );
}
