import { webRegistry } from "@/lib/web/web-metrics";

export const dynamic = "force-dynamic";

export async function GET() {
  const registry = webRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
}
