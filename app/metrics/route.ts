import { webRegistry } from "@/lib/web/web-metrics";
import { metricsAccessRefusal } from "@/lib/api/metrics-access";
import { getServices } from "@/lib/services";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const refused = metricsAccessRefusal(req, getServices().config);
  if (refused) return refused;
  const registry = webRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
}
