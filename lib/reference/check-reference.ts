// Checks a pushed reference data set against the model's inputs and turns it into its stored form,
// without parsing it in this process: a child process (check-reference-process.ts) streams the file,
// and is killed when it runs past REFERENCE_CHECK_TIMEOUT_MS or its resident memory passes
// REFERENCE_CHECK_MAX_MEMORY_MB (read from /proc every 25 ms; its JS heap is capped too). The caller's
// event loop only waits. Like the model check, at most MODEL_VALIDATION_CONCURRENCY checks run at once
// in a process and MODEL_VALIDATION_QUEUE more wait; further pushes are refused with 503.
import { rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { runLimitedChild } from "../proc/run-limited-child";
import { sharedSlots } from "../onnx/bound-concurrency";
import type { Signature } from "../onnx/signature";
import type { ReferenceProfile } from "../drift/build-profile";
import type { ArtifactStore } from "../storage/artifact-store";
import { columnsOf } from "./reference-columns";
import type { CheckOptions, CheckResult } from "./check-reference-process";

/** Rows kept of a reference data set; beyond it, a seeded uniform sample of this many. */
export const REFERENCE_MAX_ROWS = 100_000;
/** The longest row (CSV record or JSON line), in characters. */
export const REFERENCE_MAX_ROW_CHARS = 1024 * 1024;

export type ReferenceLimits = {
  /** wall-clock time of the check (REFERENCE_CHECK_TIMEOUT_MS) */
  timeoutMs: number;
  /** resident memory of the check's process, in MiB (REFERENCE_CHECK_MAX_MEMORY_MB) */
  maxMemoryMb: number;
  /** checks one process runs at once (MODEL_VALIDATION_CONCURRENCY) */
  concurrency: number;
  /** checks waiting for a slot; more get 503 (MODEL_VALIDATION_QUEUE) */
  queue: number;
};

export const DEFAULT_REFERENCE_LIMITS: ReferenceLimits = { timeoutMs: 120_000, maxMemoryMb: 1024, concurrency: 2, queue: 16 };

/** The stored form, in a temp file of the store, ready for `store.put(tempFile, sha256)`. */
export type CheckedReference = { tempFile: string; sha256: string; rows: number; sampledFrom: number; profile: ReferenceProfile };

// Relative to the working directory, as for the model check (lib/onnx/inspect-model.ts).
const SCRIPT = path.join("lib", "reference", "check-reference-process.ts");
const OUTPUT_LIMIT = 16 * 1024 * 1024;
const RETRY_AFTER_SECONDS = 5;

const slotsFor = (limits: ReferenceLimits) =>
  sharedSlots("reference", limits, () => new AppError("unavailable", `reference data checks are busy (${limits.concurrency} running, ${limits.queue} waiting: MODEL_VALIDATION_CONCURRENCY, MODEL_VALIDATION_QUEUE); try again shortly`, { retryAfterSeconds: RETRY_AFTER_SECONDS }));

/**
 * `file` holds the pushed data, `sha256` its hash (it seeds the sample, so the same file keeps the same
 * rows). Problems with the data are 400s whose message starts with "reference" and names the row and
 * column; `field` is the input they are reported under.
 */
export async function checkReference(opts: {
  file: string; sha256: string; signature: Signature; store: ArtifactStore; field: string;
  limits?: ReferenceLimits; maxRows?: number;
}): Promise<CheckedReference> {
  const limits = opts.limits ?? DEFAULT_REFERENCE_LIMITS;
  const cols = columnsOf(opts.signature);
  if ("problem" in cols) throw new AppError("bad_request", `reference data does not fit this model: ${cols.problem}`, { field: opts.field });
  const options: CheckOptions = { columns: cols.columns, maxRows: opts.maxRows ?? REFERENCE_MAX_ROWS, seed: Number.parseInt(opts.sha256.slice(0, 8), 16), maxRowChars: REFERENCE_MAX_ROW_CHARS };
  const output = await opts.store.tempPath();
  try {
    const result = await slotsFor(limits)(() => run(opts.file, output, options, limits));
    if (!result.ok) throw new AppError("bad_request", result.message, { field: opts.field });
    return { tempFile: output, sha256: result.sha256, rows: result.rows, sampledFrom: result.sampledFrom, profile: result.profile };
  } catch (err) {
    await rm(output, { force: true });
    throw err;
  }
}

async function run(file: string, output: string, options: CheckOptions, limits: ReferenceLimits): Promise<CheckResult> {
  // nothing of the web's configuration (database URL, secrets) reaches the process that parses uploads
  const exit = await runLimitedChild({ script: SCRIPT, args: [file, output, JSON.stringify(options)], timeoutMs: limits.timeoutMs, maxMemoryMb: limits.maxMemoryMb, outputLimit: OUTPUT_LIMIT });
  if (exit.error) throw new AppError("internal", `could not start the reference data check: ${exit.error.message}`);
  if (exit.over === "time") throw new AppError("unprocessable", `checking the reference data took longer than the limit of ${limits.timeoutMs} ms (REFERENCE_CHECK_TIMEOUT_MS); it is refused`);
  if (exit.over === "memory") {
    throw new AppError("unprocessable", `checking the reference data needed more memory than the limit of ${limits.maxMemoryMb} MiB (REFERENCE_CHECK_MAX_MEMORY_MB); it is refused`);
  }
  if (exit.result === null) throw new AppError("unprocessable", `the reference data could not be checked: the check stopped (${exit.signal ?? `exit code ${exit.code}`})`);
  return JSON.parse(exit.result) as CheckResult;
}
