import { requireMember } from "@/lib/web/page-auth";
import { PageHeader } from "@/components/ui";
import { MembersPanel } from "@/components/members-panel";

export default async function MembersPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const me = await requireMember(team, "member.manage");
  return (
    <>
      <PageHeader title="Members" subtitle="Who is in this team and what they may do: viewer < engineer < approver < admin." />
      <MembersPanel team={team} me={me.label} />
    </>
  );
}
