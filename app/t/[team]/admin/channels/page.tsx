import { requireMember } from "@/lib/web/page-auth";
import { A, PageHeader } from "@/components/ui";
import { ChannelsPanel } from "@/components/channels-panel";

export default async function ChannelsPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  await requireMember(team, "channel.manage");
  return (
    <>
      <PageHeader
        title="Notification channels"
        subtitle="Slack, signed webhooks and PagerDuty hear about new versions, deployments and promotions. Failed sends are retried (8 attempts); see them under Deliveries."
        actions={<A href={`/t/${team}/admin/deliveries`}>Deliveries</A>}
      />
      <ChannelsPanel team={team} />
    </>
  );
}
