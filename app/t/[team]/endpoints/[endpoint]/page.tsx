import { requireMember } from "@/lib/web/page-auth";
import { can } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { findEndpoint } from "@/lib/serving/control/endpoints/read-endpoints";
import { AppError } from "@/lib/errors";
import { EndpointPanel } from "@/components/endpoint-panel";
import { EndpointKeysPanel } from "@/components/endpoint-keys-panel";
import { EndpointHistory } from "@/components/endpoint-history";
import { A } from "@/components/ui";

export default async function EndpointPage({ params }: { params: Promise<{ team: string; endpoint: string }> }) {
  const { team, endpoint } = await params;
  const me = await requireMember(team, "endpoint.read");
  // The panel shows its own "not found"; the policy needs the endpoint's environment to answer.
  const found = await findEndpoint(getServices().db, me.teamId, endpoint).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  });
  const traffic = found ? can(me, "traffic.change", { environment: found.environment }) : null;
  const canChangeTraffic = traffic?.allowed === true;
  const trafficNote = traffic && !traffic.allowed ? `You cannot change the split: ${traffic.reason}.` : "";
  const keys = found ? can(me, "endpointkey.manage", { environment: found.environment }) : null;
  const gatewayHint = getServices().config.gatewayPublicUrl;
  return (
    <>
      <EndpointPanel team={team} endpoint={endpoint} canChangeTraffic={canChangeTraffic} trafficNote={trafficNote} gatewayHint={gatewayHint} />
      {found && <p className="mt-6 text-sm"><A href={`/t/${team}/endpoints/${endpoint}/predictions`}>Prediction log →</A> <span className="text-slate-500">every request with its inputs, outputs and latency; filter and export</span></p>}
      {found && <EndpointHistory team={team} endpoint={endpoint} environment={found.environment} canRevert={canChangeTraffic} />}
      {found && <EndpointKeysPanel team={team} endpoint={endpoint} canManage={keys?.allowed === true} manageNote={keys && !keys.allowed ? `You cannot manage keys: ${keys.reason}.` : ""} gatewayHint={gatewayHint} />}
    </>
  );
}
