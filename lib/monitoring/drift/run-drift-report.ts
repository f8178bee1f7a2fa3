// Carries out one queued drift report (the "reports" queue's job): marks it running, computes it in
// a child process with a heap limit, a resident-memory watch and a time limit, and stores the
// result, or the reason it failed. A report already finished is left as it is, so a repeated job is
// a no-op; one that crashed while running is computed again from the start.
import path from "node:path";
import type { Db } from "../../db/client";
import { AppError } from "../../errors";
import { runLimitedChild } from "../../proc/run-limited-child";
import { driftReportResultSchema } from "./build-drift-report";
import { readDriftSettings } from "./drift-settings";
import type { DriftReportSettings } from "./report-limits";
import { reportOutputSchema, type ReportInput } from "./report-input";

// relative to the working directory (the repository root, or /app in the image), like the model validator's
const SCRIPT = path.join("lib", "monitoring", "drift", "drift-report-process.ts");
const OUTPUT_LIMIT = 16 * 1024 * 1024;

export type RunReportOutcome = "succeeded" | "failed" | "finished_before" | "gone";

export async function runDriftReport(opts: { db: Db; reportId: string; settings: DriftReportSettings; onShare?: (endpointId: string, share: number | null) => void }): Promise<RunReportOutcome> {
  const { db } = opts;
  const r = await db.driftReport.findUnique({ where: { id: opts.reportId } });
  if (!r) return "gone";
  if (r.status === "succeeded" || r.status === "failed") return "finished_before";
  await db.driftReport.update({ where: { id: r.id }, data: { status: "running", startedAt: new Date() } });
  const settings = await readDriftSettings(db, r.endpointId);
  const input: ReportInput = {
    teamId: r.teamId, endpointId: r.endpointId, from: r.from.toISOString(), to: r.to.toISOString(), version: r.version,
    referenceModel: r.referenceModel, referenceVersion: r.referenceVersion, thresholds: settings.thresholds, maxRows: opts.settings.maxRows,
    // the same report samples the same rows
    seed: hashSeed(r.id),
  };
  let out;
  try {
    out = await computeInChild(input, opts.settings);
  } catch (err) {
    if (!(err instanceof AppError)) throw err; // the database or the machine: the queue retries
    await db.driftReport.updateMany({ where: { id: r.id, status: { in: ["queued", "running"] } }, data: { status: "failed", error: err.message, finishedAt: new Date() } });
    return "failed";
  }
  const result = driftReportResultSchema.parse(out.result);
  await db.driftReport.updateMany({
    where: { id: r.id, status: { in: ["queued", "running"] } },
    data: {
      status: "succeeded", result, rowsReference: out.rowsReference, rowsCurrent: out.rowsCurrent,
      share: result.datasetDrift.share, drifted: result.datasetDrift.drifted, timings: out.timings, finishedAt: new Date(), error: null,
    },
  });
  opts.onShare?.(r.endpointId, result.datasetDrift.share);
  return "succeeded";
}

/** Marks a report failed when its job gave up (after its retries, or a payload refused). */
export async function failDriftReport(db: Db, reportId: string, reason: string): Promise<void> {
  await db.driftReport.updateMany({ where: { id: reportId, status: { in: ["queued", "running"] } }, data: { status: "failed", error: reason.slice(0, 2000), finishedAt: new Date() } });
}

/** The seed of a report's sample of its window: the same report samples the same rows. */
export function hashSeed(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h | 0;
}

async function computeInChild(input: ReportInput, limits: DriftReportSettings) {
  // nothing of the job workers' configuration: what it reads from comes on stdin
  const exit = await runLimitedChild({
    script: SCRIPT, stdin: JSON.stringify({ ...input, databaseUrl: limits.databaseUrl, artifactDir: path.resolve(limits.artifactDir) }),
    timeoutMs: limits.timeoutMs, maxMemoryMb: limits.maxMemoryMb, outputLimit: OUTPUT_LIMIT,
  });
  if (exit.error) throw new Error(`could not start the drift report process: ${exit.error.message}`);
  if (exit.over === "time") throw new AppError("unprocessable", `the report took longer than the limit of ${limits.timeoutMs} ms (DRIFT_REPORT_TIMEOUT_MS): use a shorter window`);
  if (exit.over === "memory") throw new AppError("unprocessable", `the report needed more memory than the limit of ${limits.maxMemoryMb} MiB (DRIFT_REPORT_MAX_MEMORY_MB): use a shorter window or lower DRIFT_REPORT_MAX_ROWS`);
  if (exit.result === null) {
    const reason = /^ERROR (.*)$/m.exec(exit.stderr)?.[1] ?? `it stopped (exit code ${exit.code})`;
    // a database that went away is worth a retry; anything else the data decides, so it fails for good
    if (/ECONNREFUSED|terminating connection|Connection terminated|too many clients/i.test(reason)) throw new Error(`drift report: ${reason}`);
    throw new AppError("unprocessable", `the report could not be computed: ${reason}`.slice(0, 1000));
  }
  return reportOutputSchema.parse(JSON.parse(exit.result));
}
