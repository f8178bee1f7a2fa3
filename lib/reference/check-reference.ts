// Checks a pushed reference data set against the model's inputs and turns it into its stored form,
// without parsing it in this process: a child process (check-reference-process.ts) streams the file,
// and is killed when it runs past REFERENCE_CHECK_TIMEOUT_MS or its resident memory passes
// REFERENCE_CHECK_MAX_MEMORY_MB (read from /proc every 25 ms; its JS heap is capped too). The caller's
// event loop only waits. Like the model check, at most MODEL_VALIDATION_CONCURRENCY checks run at once
// in a process and MODEL_VALIDATION_QUEUE more wait; further pushes are refused with 503.
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { watchRss } from "../proc/watch-rss";
import { boundConcurrency, type Bounded } from "../onnx/bound-concurrency";
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

const slots = new Map<string, Bounded>();
function slotsFor(limits: ReferenceLimits): Bounded {
  const key = `${limits.concurrency}/${limits.queue}`;
  let s = slots.get(key);
  if (!s) {
    s = boundConcurrency({
      concurrency: limits.concurrency,
      queue: limits.queue,
      busy: () => new AppError("unavailable", `reference data checks are busy (${limits.concurrency} running, ${limits.queue} waiting: MODEL_VALIDATION_CONCURRENCY, MODEL_VALIDATION_QUEUE); try again shortly`, { retryAfterSeconds: RETRY_AFTER_SECONDS }),
    });
    slots.set(key, s);
  }
  return s;
}

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
  const child = spawn(process.execPath, [`--max-old-space-size=${limits.maxMemoryMb}`, "--import", "tsx", path.resolve(SCRIPT), file, output, JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { NODE_ENV: "production" }, // nothing of the web's configuration (database URL, secrets) reaches the process that parses uploads
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => { if (stdout.length < OUTPUT_LIMIT) stdout += c.toString("utf8"); });
  child.stderr.on("data", (c: Buffer) => { if (stderr.length < 64 * 1024) stderr += c.toString("utf8"); });

  let over: "time" | "memory" | null = null;
  const stop = (why: "time" | "memory") => { over ??= why; child.kill("SIGKILL"); };
  const timer = setTimeout(() => stop("time"), limits.timeoutMs);
  const stopWatch = watchRss({ pid: child.pid, maxMb: limits.maxMemoryMb, onOver: () => stop("memory") });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  stopWatch();

  if (exit.error) throw new AppError("internal", `could not start the reference data check: ${exit.error.message}`);
  if (over === "time") throw new AppError("unprocessable", `checking the reference data took longer than the limit of ${limits.timeoutMs} ms (REFERENCE_CHECK_TIMEOUT_MS); it is refused`);
  if (over === "memory" || /heap out of memory/i.test(stderr)) {
    throw new AppError("unprocessable", `checking the reference data needed more memory than the limit of ${limits.maxMemoryMb} MiB (REFERENCE_CHECK_MAX_MEMORY_MB); it is refused`);
  }
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new AppError("unprocessable", `the reference data could not be checked: the check stopped (${exit.signal ?? `exit code ${exit.code}`})`);
  return JSON.parse(line.slice(7)) as CheckResult;
}
