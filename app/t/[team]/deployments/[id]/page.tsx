import { requireMember } from "@/lib/web/page-auth";
import { allowed } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { deploymentEnvironment } from "@/lib/serving/control/endpoints/read-endpoints";
import { DeploymentProgress } from "@/components/deployment-progress";

export default async function DeploymentPage({ params }: { params: Promise<{ team: string; id: string }> }) {
  const { team, id } = await params;
  const me = await requireMember(team, "deployment.read");
  // the progress shows its own "could not load"; Abort only where the policy lets this person abort it
  const environment = await deploymentEnvironment({ db: getServices().db, teamId: me.teamId, id });
  const abort = environment && allowed(me, "deployment.abort", { environment }) ? { production: environment === "production" } : null;
  return <DeploymentProgress team={team} id={id} abort={abort} />;
}
