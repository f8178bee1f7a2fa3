import { requireMember } from "@/lib/web/page-auth";
import { PageHeader } from "@/components/ui";
import { TokensPanel } from "@/components/tokens-panel";

export default async function TokensPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  await requireMember(team, "token.manage");
  return (
    <>
      <PageHeader title="API tokens" subtitle="Tokens let CI pipelines call the REST API for this team. Only a hash is stored; the token is shown once." />
      <TokensPanel team={team} />
    </>
  );
}
