import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { listEndpoints } from "@/lib/serving/control/endpoints/read-endpoints";
import { allowed } from "@/lib/auth/policy";
import { A, Badge, Card, EmptyState, PageHeader, TableWrap, td, th } from "@/components/ui";
import { NewEndpointForm } from "@/components/new-endpoint-form";
import { StatusBadge } from "@/components/status-badge";

export default async function EndpointsPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const me = await requireMember(team, "endpoint.read");
  const { db, redis, config } = getServices();
  const endpoints = await listEndpoints({ db, redis, clusterSecret: config.clusterSecret, teamId: me.teamId });
  return (
    <>
      <PageHeader title="Endpoints" subtitle="Where model versions answer live traffic, and with what share." />
      {allowed(me, "endpoint.create") && <NewEndpointForm team={team} canProduction={allowed(me, "endpoint.create", { environment: "production" })} />}
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet">Create one above, then set its traffic split.</EmptyState>
      ) : (
        <Card>
          <TableWrap>
            <table className="w-full">
              <thead><tr><th className={th}>Endpoint</th><th className={th}>Environment</th><th className={th}>Traffic</th><th className={th}>Last deployment</th></tr></thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.name}>
                    <td className={td}><A href={`/t/${team}/endpoints/${e.name}`}>{e.name}</A></td>
                    <td className={td}><Badge tone={e.environment === "production" ? "amber" : "slate"}>{e.environment}</Badge></td>
                    <td className={td}>
                      <div className="flex flex-wrap gap-1">
                        {e.variants.length ? e.variants.map((v) => <Badge key={v.name} tone={v.role === "shadow" ? "slate" : "indigo"}>{v.name} {v.role === "shadow" ? "shadow" : `${v.weight}%`}</Badge>) : <span className="text-slate-500">no traffic</span>}
                      </div>
                    </td>
                    <td className={td}>{e.latestDeployment ? <StatusBadge status={e.latestDeployment.status} /> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </Card>
      )}
    </>
  );
}
