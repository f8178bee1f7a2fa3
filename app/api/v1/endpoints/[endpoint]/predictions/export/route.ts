import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/predictions";
import { streamAttachment } from "@/lib/api/stream-attachment";
import { exportPredictions } from "@/lib/serving/control/predictions/export-predictions";

export const dynamic = "force-dynamic";

const CONTENT_TYPE = { jsonl: "application/x-ndjson; charset=utf-8", csv: "text/csv; charset=utf-8" };

export const GET = route(c.exportPredictions, async ({ principal, params, query: { format, ...filter }, services }) => {
  const out = await exportPredictions({ db: services.db, teamId: principal.teamId, name: params.endpoint, filter, format });
  return streamAttachment(out.chunks, { contentType: CONTENT_TYPE[format], filename: out.filename, headers: { "x-switchyard-export-max-rows": String(out.maxRows) } });
});
