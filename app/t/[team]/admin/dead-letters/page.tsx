import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { listDeadLetters } from "@/lib/serving/control/dead-letters/list-dead-letters";
import { A, Card, EmptyState, PageHeader, TableWrap, td, th, when } from "@/components/ui";

export default async function DeadLettersPage({ params, searchParams }: { params: Promise<{ team: string }>; searchParams: Promise<{ before?: string }> }) {
  const { team } = await params;
  const { before } = await searchParams;
  const me = await requireMember(team, "deadletter.read");
  const { db, redis } = getServices();
  const page = await listDeadLetters({ db, redis, teamId: me.teamId, limit: 100, before: typeof before === "string" ? before : undefined });
  return (
    <>
      <PageHeader
        title="Dead-lettered predictions"
        subtitle="Prediction records of this team's endpoints that the prediction log could not store (for example a string Postgres refuses). The other records of their batch were stored; these are kept here with the reason."
      />
      <Card>
        {page.deadLetters.length === 0 ? (
          <EmptyState title="No dead-lettered records">Every prediction of this team&apos;s endpoints was stored.</EmptyState>
        ) : (
          <TableWrap>
            <table className="w-full" data-testid="dead-letters">
              <thead><tr><th className={th}>Dead-lettered</th><th className={th}>Endpoint</th><th className={th}>Variant</th><th className={th}>Request</th><th className={th}>Reason</th></tr></thead>
              <tbody>
                {page.deadLetters.map((d) => (
                  <tr key={d.id} className="align-top">
                    <td className={td} title={d.recordTime ? `predicted ${d.recordTime}` : undefined}>{when(d.at)}</td>
                    <td className={td}><A href={`/t/${team}/endpoints/${d.endpoint}`}>{d.endpoint}</A></td>
                    <td className={td}>{d.variant}</td>
                    <td className={`${td} font-mono text-xs`}>{d.requestId}</td>
                    <td className={`${td} max-w-md whitespace-normal break-words`}>{d.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {page.nextBefore && <p className="mt-3 text-sm"><A href={`/t/${team}/admin/dead-letters?before=${page.nextBefore}`}>Older</A></p>}
      </Card>
    </>
  );
}
