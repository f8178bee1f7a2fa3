// What the API answers for a report. `result` is parsed with zod on read; the statistics are at the
// top level as the contract names them (rows, datasetDrift, features, prediction).
import { z } from "zod";
import { readJson } from "../../db/json";
import { driftReportResultSchema } from "./build-drift-report";

export const reportTimingsSchema = z.object({ readMs: z.number(), computeMs: z.number(), totalMs: z.number(), referenceMs: z.number().optional() }).partial();

type Row = {
  id: string; from: Date; to: Date; version: number | null; referenceModel: string; referenceVersion: number; status: string; scheduled: boolean; requestedBy: string;
  rowsReference: number | null; rowsCurrent: number | null; result: unknown; timings: unknown; error: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null;
};

export function toDriftReportView(r: Row, endpoint: string, opts: { histograms?: boolean } = {}) {
  const result = r.result === null ? null : readJson(driftReportResultSchema, r.result, "drift report");
  return {
    id: r.id,
    endpoint,
    status: r.status as "queued" | "running" | "succeeded" | "failed",
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    version: r.version,
    reference: { model: r.referenceModel, version: r.referenceVersion },
    scheduled: r.scheduled,
    requestedBy: r.requestedBy,
    rows: { reference: r.rowsReference, current: r.rowsCurrent },
    datasetDrift: result?.datasetDrift ?? null,
    features: result?.features ?? [],
    prediction: result?.prediction ?? null,
    notes: result?.notes ?? [],
    ...(opts.histograms ? { histograms: result?.histograms ?? {} } : {}),
    timings: r.timings === null ? null : readJson(reportTimingsSchema, r.timings, "drift report timings"),
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
export type DriftReportView = ReturnType<typeof toDriftReportView>;
