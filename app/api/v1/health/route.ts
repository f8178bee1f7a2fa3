import { route } from "@/lib/api/handle";
import { getHealth } from "@/lib/api/contracts/health";
import { checkHealth } from "@/lib/health/check-health";

export const dynamic = "force-dynamic";

export const GET = route(getHealth, async ({ services }) => {
  const health = await checkHealth(services);
  return Response.json(health, { status: health.db === "ok" ? 200 : 503 });
});
