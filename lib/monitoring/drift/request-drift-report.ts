// Records a drift report and queues it (the row first, then the job, whose id is the report's id, so
// a repeat is a no-op; a report Redis did not take is queued again by the schedule sync).
import type { Db } from "../../db/client";
import { actorOf, type Principal } from "../../auth/principal";
import { ensureCan } from "../../auth/policy";
import { recordAudit } from "../../audit/record-audit";
import { AppError } from "../../errors";
import { findEndpoint } from "../../serving/control/endpoints/read-endpoints";
import { asRouting } from "../../serving/shared/routing";
import { enqueueDriftReport } from "../../jobs/enqueue-drift-report";
import { toDriftReportView } from "./drift-report-view";

/** The longest window one report reads. */
export const MAX_REPORT_WINDOW_DAYS = 31;

type Endpoint = { id: string; teamId: string; name: string; routing: unknown };

/**
 * The model and version whose reference data a report compares with: the version asked for, else the
 * version with the largest share of the endpoint's served traffic now. 422 when it has no reference data.
 */
export async function referenceFor(db: Db, e: Endpoint, version: number | undefined): Promise<{ modelId: string; model: string; version: number }> {
  const served = asRouting(e.routing).variants.filter((v) => v.role !== "shadow").sort((a, b) => b.weight - a.weight);
  const pick = version === undefined ? served[0] : (asRouting(e.routing).variants.find((v) => v.version === version) ?? (served[0] ? { ...served[0], version } : undefined));
  if (!pick) throw new AppError("unprocessable", `endpoint "${e.name}" routes no model: give the version to compare with`, { field: "version" });
  const v = await db.modelVersion.findFirst({ where: { number: pick.version, model: { teamId: e.teamId, name: pick.model } }, select: { referenceSha256: true, model: { select: { id: true } } } });
  if (!v) throw new AppError("not_found", `model "${pick.model}" has no version ${pick.version}`, { field: "version" });
  if (!v.referenceSha256) {
    throw new AppError("unprocessable", `${pick.model} v${pick.version} has no reference data to compare with; add it with \`switchyard versions reference ${pick.model} ${pick.version} data.csv\` (PUT /api/v1/models/${pick.model}/versions/${pick.version}/reference), or push versions with \`--reference data.csv\``, { field: "version" });
  }
  return { modelId: v.model.id, model: pick.model, version: pick.version };
}

export function checkWindow(from: Date, to: Date, now = new Date()): void {
  if (!(from < to)) throw new AppError("bad_request", "from must be before to", { field: "from" });
  if (to.getTime() - from.getTime() > MAX_REPORT_WINDOW_DAYS * 86_400_000) throw new AppError("bad_request", `a report reads at most ${MAX_REPORT_WINDOW_DAYS} days`, { field: "to" });
  if (from.getTime() > now.getTime()) throw new AppError("bad_request", "from is in the future: nothing is logged there yet", { field: "from" });
}

export async function requestDriftReport(opts: { db: Db; redisUrl: string; principal: Principal; endpointName: string; from: Date; to: Date; version?: number }) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "drift.request", { environment: e.environment });
  checkWindow(opts.from, opts.to);
  const ref = await referenceFor(db, e, opts.version);
  const report = await db.$transaction(async (tx) => {
    const r = await tx.driftReport.create({
      data: { teamId: principal.teamId, endpointId: e.id, from: opts.from, to: opts.to, version: opts.version ?? null, referenceModel: ref.model, referenceVersion: ref.version, requestedBy: principal.label },
    });
    await recordAudit(tx, {
      teamId: principal.teamId, actor: actorOf(principal), action: "drift.request", resourceType: "drift_report", resourceId: r.id,
      after: { endpoint: e.name, from: opts.from.toISOString(), to: opts.to.toISOString(), version: opts.version ?? null, referenceVersion: ref.version },
    });
    return r;
  });
  await enqueueDriftReport({ redisUrl: opts.redisUrl, reportId: report.id });
  return toDriftReportView(report, e.name);
}
