import { requireMember } from "@/lib/web/page-auth";
import { DeploymentProgress } from "@/components/deployment-progress";

export default async function DeploymentPage({ params }: { params: Promise<{ team: string; id: string }> }) {
  const { team, id } = await params;
  await requireMember(team, "deployment.read");
  return <DeploymentProgress team={team} id={id} />;
}
