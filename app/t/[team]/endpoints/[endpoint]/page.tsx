import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { nameOr404 } from "@/lib/web/url-params";
import { can } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { findEndpoint } from "@/lib/serving/control/endpoints/read-endpoints";
import { AppError } from "@/lib/errors";
import { EndpointPanel } from "@/components/endpoint-panel";
import { EndpointKeysPanel } from "@/components/endpoint-keys-panel";
import { EndpointHistory } from "@/components/endpoint-history";

export default async function EndpointPage({ params }: { params: Promise<{ team: string; endpoint: string }> }) {
  const { team, endpoint: raw } = await params;
  const me = await requireMember(team, "endpoint.read");
  const endpoint = nameOr404(raw);
  // an unknown endpoint is the 404 page at once (status 404), never a page that polls for it
  const found = await findEndpoint(getServices().db, me.teamId, endpoint).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const traffic = can(me, "traffic.change", { environment: found.environment });
  const canChangeTraffic = traffic?.allowed === true;
  const trafficNote = !traffic.allowed ? `You cannot change the split: ${traffic.reason}.` : "";
  const keys = can(me, "endpointkey.manage", { environment: found.environment });
  const gatewayHint = getServices().config.gatewayPublicUrl;
  return (
    <>
      <EndpointPanel team={team} endpoint={endpoint} canChangeTraffic={canChangeTraffic} trafficNote={trafficNote} gatewayHint={gatewayHint} />
      <EndpointHistory team={team} endpoint={endpoint} environment={found.environment} canRevert={canChangeTraffic} />
      <EndpointKeysPanel team={team} endpoint={endpoint} canManage={keys.allowed} manageNote={!keys.allowed ? `You cannot manage keys: ${keys.reason}.` : ""} gatewayHint={gatewayHint} />
    </>
  );
}
