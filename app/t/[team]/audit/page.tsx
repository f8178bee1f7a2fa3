import { requireMember } from "@/lib/web/page-auth";
import { PageHeader } from "@/components/ui";
import { AuditPanel } from "@/components/audit-panel";

export default async function AuditPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  await requireMember(team, "audit.read");
  return (
    <>
      <PageHeader title="Audit" subtitle="Every change in this team: who, what, and the state before and after." />
      <AuditPanel team={team} />
    </>
  );
}
