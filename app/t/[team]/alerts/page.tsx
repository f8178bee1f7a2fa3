import { requireMember } from "@/lib/web/page-auth";
import { can } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { listTeamAlerts } from "@/lib/alerts/list-team-alerts";
import { PageHeader } from "@/components/ui";
import { AlertsPanel } from "@/components/alerts-panel";

export default async function AlertsPage({ params, searchParams }: { params: Promise<{ team: string }>; searchParams: Promise<{ endpoint?: string | string[] }> }) {
  const { team } = await params;
  const { endpoint } = await searchParams;
  const me = await requireMember(team, "alert.read");
  const data = await listTeamAlerts({ db: getServices().db, teamId: me.teamId });
  // who may manage rules depends on the endpoint's environment (the server checks again on every write)
  const manage = Object.fromEntries(data.endpoints.map((e) => [e.name, can(me, "alert.manage", { environment: e.environment }).allowed]));
  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle="Rules on each endpoint's metrics, evaluated every 15 s by the job workers; an incident goes pending, then firing (one notification to the rule's channels), then resolved (one more)."
      />
      <AlertsPanel team={team} data={data} manage={manage} endpoint={typeof endpoint === "string" ? endpoint : null} />
    </>
  );
}
