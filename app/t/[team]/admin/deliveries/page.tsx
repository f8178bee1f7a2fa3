import { requireMember } from "@/lib/web/page-auth";
import { A, PageHeader } from "@/components/ui";
import { DeliveriesPanel } from "@/components/deliveries-panel";

export default async function DeliveriesPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  await requireMember(team, "delivery.read");
  return (
    <>
      <PageHeader
        title="Deliveries"
        subtitle="Every event sent to this team's channels: its status, attempts and the receiver's last answer. A delivery that failed all 8 attempts is dead-lettered; redeliver it once the receiver is fixed."
        actions={<A href={`/t/${team}/admin/channels`}>Channels</A>}
      />
      <DeliveriesPanel team={team} />
    </>
  );
}
