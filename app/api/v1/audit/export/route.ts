import { route } from "@/lib/api/handle";
import { exportAudit as contract } from "@/lib/api/contracts/audit";
import { streamAttachment } from "@/lib/api/stream-attachment";
import { exportAudit } from "@/lib/audit/export-audit";

export const dynamic = "force-dynamic";

const CONTENT_TYPE = { jsonl: "application/x-ndjson; charset=utf-8", csv: "text/csv; charset=utf-8" };

export const GET = route(contract, async ({ principal, query, services }) =>
  streamAttachment(exportAudit({ db: services.db, teamId: principal.teamId, format: query.format }), {
    contentType: CONTENT_TYPE[query.format],
    filename: `audit-${principal.teamSlug}-${new Date().toISOString().slice(0, 10)}.${query.format}`,
  }));
