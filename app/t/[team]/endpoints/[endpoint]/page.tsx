import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { nameOr404 } from "@/lib/web/url-params";
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
import { InputSamplingField } from "@/components/input-sampling-field";
import { EndpointHistory } from "@/components/endpoint-history";
import { PerformancePanel } from "@/components/performance-panel";
import { DriftCard } from "@/components/drift-card";
import { A } from "@/components/ui";
import { PredictSnippets } from "@/components/predict-snippets";

export default async function EndpointPage({ params, searchParams }: { params: Promise<{ team: string; endpoint: string }>; searchParams: Promise<{ deploy?: string | string[] }> }) {
  const { team, endpoint: raw } = await params;
  const { deploy } = await searchParams;
  const me = await requireMember(team, "endpoint.read");
  const endpoint = nameOr404(raw);
  const { db, config } = getServices();
  // an unknown endpoint is the 404 page at once (status 404), never a page that polls for it
  const found = await findEndpoint(db, me.teamId, endpoint).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const traffic = can(me, "traffic.change", { environment: found.environment });
  const canChangeTraffic = traffic.allowed;
  const trafficNote = !traffic.allowed ? `You cannot change the split: ${traffic.reason}.` : "";
  const keys = can(me, "endpointkey.manage", { environment: found.environment });
  const gatewayHint = config.gatewayPublicUrl;
  const serving = await servingSignature(db, found.routing);
  const snippets = serving
    ? buildSnippets({ gatewayUrl: gatewayHint, endpoint: found.name, signature: serving.signature, profile: serving.profile, requireKey: found.requireKey, sticky: asRouting(found.routing).sticky })
    : null;
  return (
    <>
      <EndpointPanel
        team={team} endpoint={endpoint} canChangeTraffic={canChangeTraffic} trafficNote={trafficNote} gatewayHint={gatewayHint}
        deploy={parseDeploy(typeof deploy === "string" ? deploy : null)}
      />
      <div className="mt-6"><PerformancePanel team={team} endpoint={endpoint} /></div>
      <div className="mt-6"><DriftCard team={team} endpoint={endpoint} /></div>
      {snippets && serving && (
        <div className="mt-6">
          <PredictSnippets gatewayUrl={gatewayHint} set={snippets} basis={serving.profile ? `${serving.name}'s reference profile (typical values)` : `${serving.name}'s signature (zeros and empty strings: it has no reference profile)`} />
        </div>
      )}
      <p className="mt-6 text-sm"><A href={`/t/${team}/endpoints/${endpoint}/predictions`}>Prediction log →</A> <span className="text-slate-600">every request with its inputs, outputs and latency; filter and export</span></p>
      <InputSamplingField team={team} endpoint={endpoint} canManage={can(me, "predictionlog.manage", { environment: found.environment }).allowed} />
      <p className="mt-2 text-sm"><A href={`/t/${team}/alerts?endpoint=${endpoint}`}>Alert rules →</A> <span className="text-slate-600">this endpoint&apos;s rules, their incidents, and new ones</span></p>
      <EndpointHistory team={team} endpoint={endpoint} environment={found.environment} canRevert={canChangeTraffic} />
      <EndpointKeysPanel team={team} endpoint={endpoint} canManage={keys.allowed} manageNote={!keys.allowed ? `You cannot manage keys: ${keys.reason}.` : ""} gatewayHint={gatewayHint} />
    </>
  );
}
