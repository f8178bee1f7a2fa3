// Liveness of the web process itself (no dependencies checked: that is /api/v1/health).
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}
