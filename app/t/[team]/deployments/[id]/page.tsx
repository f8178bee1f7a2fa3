import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { allowed } from "@/lib/auth/policy";
import { idOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { AppError } from "@/lib/errors";
import { deploymentEnvironment, getDeployment } from "@/lib/serving/control/endpoints/read-endpoints";
import { DeploymentProgress } from "@/components/deployment-progress";

export default async function DeploymentPage({ params }: { params: Promise<{ team: string; id: string }> }) {
  const { team, id } = await params;
  const me = await requireMember(team, "deployment.read");
  const { db } = getServices();
  // an unknown deployment is the 404 page (status 404) before the live view starts listening
  await getDeployment({ db, teamId: me.teamId, id: idOr404(id) }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  // Abort only where the policy lets this person abort it
  const environment = await deploymentEnvironment({ db, teamId: me.teamId, id });
  const abort = environment && allowed(me, "deployment.abort", { environment }) ? { production: environment === "production" } : null;
  return <DeploymentProgress team={team} id={id} abort={abort} />;
}
