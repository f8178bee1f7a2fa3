import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { idOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { A, PageHeader } from "@/components/ui";
import { DriftReportDetails } from "@/components/drift-report-details";

export default async function DriftReportPage({ params }: { params: Promise<{ team: string; id: string }> }) {
  const { team, id: raw } = await params;
  const me = await requireMember(team, "endpoint.read");
  const id = idOr404(raw);
  const { db } = getServices();
  const report = await db.driftReport.findFirst({ where: { id, teamId: me.teamId }, select: { endpointId: true } });
  if (!report) notFound();
  const { name: endpoint } = await db.endpoint.findUniqueOrThrow({ where: { id: report.endpointId }, select: { name: true } });
  return (
    <>
      <PageHeader
        title={<>Drift report <span className="text-slate-500">·</span> {endpoint}</>}
        subtitle="Each column of the window's served inputs against the reference data: the statistics as README's Drift statistics defines them, and both distributions."
        actions={<A href={`/t/${team}/endpoints/${endpoint}/drift`}>← All drift reports of {endpoint}</A>}
      />
      <DriftReportDetails team={team} id={id} />
    </>
  );
}
