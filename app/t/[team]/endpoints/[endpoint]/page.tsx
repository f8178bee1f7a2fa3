import { requireMember } from "@/lib/web/page-auth";
import { roleAtLeast } from "@/lib/auth/roles";
import { EndpointPanel } from "@/components/endpoint-panel";
import { getServices } from "@/lib/services";

export default async function EndpointPage({ params }: { params: Promise<{ team: string; endpoint: string }> }) {
  const { team, endpoint } = await params;
  const me = await requireMember(team);
  return <EndpointPanel team={team} endpoint={endpoint} canEdit={roleAtLeast(me.role, "engineer")} isAdmin={me.role === "admin"} gatewayHint={getServices().config.gatewayPublicUrl} />;
}
