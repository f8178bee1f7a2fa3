import { requireMember } from "@/lib/web/page-auth";
import { can } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { findEndpoint } from "@/lib/serving/control/endpoints/read-endpoints";
import { servingSignature } from "@/lib/serving/control/endpoints/serving-signature";
import { buildSnippets } from "@/lib/web/predict-snippets";
import { parseDeploy } from "@/lib/web/split-form";
import { asRouting } from "@/lib/serving/shared/routing";
import { AppError } from "@/lib/errors";
import { EndpointPanel } from "@/components/endpoint-panel";
import { EndpointKeysPanel } from "@/components/endpoint-keys-panel";
import { EndpointHistory } from "@/components/endpoint-history";
import { A } from "@/components/ui";
import { PredictSnippets } from "@/components/predict-snippets";

export default async function EndpointPage({ params, searchParams }: { params: Promise<{ team: string; endpoint: string }>; searchParams: Promise<{ deploy?: string | string[] }> }) {
  const { team, endpoint } = await params;
  const { deploy } = await searchParams;
  const me = await requireMember(team, "endpoint.read");
  const { db, config } = getServices();
  // The panel shows its own "not found"; the policy needs the endpoint's environment to answer.
  const found = await findEndpoint(db, me.teamId, endpoint).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  });
  const traffic = found ? can(me, "traffic.change", { environment: found.environment }) : null;
  const canChangeTraffic = traffic?.allowed === true;
  const trafficNote = traffic && !traffic.allowed ? `You cannot change the split: ${traffic.reason}.` : "";
  const keys = found ? can(me, "endpointkey.manage", { environment: found.environment }) : null;
  const gatewayHint = config.gatewayPublicUrl;
  const serving = found ? await servingSignature(db, found.routing) : null;
  const snippets = found && serving
    ? buildSnippets({ gatewayUrl: gatewayHint, endpoint: found.name, signature: serving.signature, profile: serving.profile, requireKey: found.requireKey, sticky: asRouting(found.routing).sticky })
    : null;
  return (
    <>
      <EndpointPanel
        team={team} endpoint={endpoint} canChangeTraffic={canChangeTraffic} trafficNote={trafficNote} gatewayHint={gatewayHint}
        deploy={parseDeploy(typeof deploy === "string" ? deploy : null)}
      />
      {found && snippets && serving && (
        <div className="mt-6">
          <PredictSnippets gatewayUrl={gatewayHint} set={snippets} basis={serving.profile ? `${serving.name}'s reference profile (typical values)` : `${serving.name}'s signature (zeros and empty strings: it has no reference profile)`} />
        </div>
      )}
      {found && <p className="mt-6 text-sm"><A href={`/t/${team}/endpoints/${endpoint}/predictions`}>Prediction log →</A> <span className="text-slate-500">every request with its inputs, outputs and latency; filter and export</span></p>}
      {found && <EndpointHistory team={team} endpoint={endpoint} environment={found.environment} canRevert={canChangeTraffic} />}
      {found && <EndpointKeysPanel team={team} endpoint={endpoint} canManage={keys?.allowed === true} manageNote={keys && !keys.allowed ? `You cannot manage keys: ${keys.reason}.` : ""} gatewayHint={gatewayHint} />}
    </>
  );
}
