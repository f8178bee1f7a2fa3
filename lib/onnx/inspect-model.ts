// Validates an uploaded model file and reads its input/output signature, without running
// onnxruntime in this process: static checks and a trial load happen in a child process
// (inspect-model-process.ts) that is killed when it runs past MODEL_VALIDATION_TIMEOUT_MS or its
// resident memory passes MODEL_VALIDATION_MAX_MEMORY_MB (read from /proc every 25 ms; its JS heap
// is capped with --max-old-space-size too). The caller's event loop only waits. At most
// MODEL_VALIDATION_CONCURRENCY such processes run at once in a web process, MODEL_VALIDATION_QUEUE
// more uploads wait for one, and further uploads are refused with 503 and Retry-After.
import path from "node:path";
import { AppError } from "../errors";
import { runLimitedChild } from "../proc/run-limited-child";
import { sharedSlots } from "./bound-concurrency";
import { DEFAULT_MODEL_LIMITS, type ModelLimits } from "./check-model-limits";
import { signatureSchema, type Signature, type TensorSpec } from "./signature";
import type { InspectResult } from "./inspect-model-process";

export type { Signature, TensorSpec, ModelLimits };

// Relative to the working directory (the repository root, or /app in the image), like ARTIFACT_DIR:
// the web's server code is bundled by Next.js, so its own location says nothing about the sources'.
const SCRIPT = path.join("lib", "onnx", "inspect-model-process.ts");
const OUTPUT_LIMIT = 256 * 1024;

const RETRY_AFTER_SECONDS = 5;

const slotsFor = (limits: ModelLimits) =>
  sharedSlots("model", limits, () => new AppError("unavailable", `model validation is busy (${limits.concurrency} running, ${limits.queue} waiting: MODEL_VALIDATION_CONCURRENCY, MODEL_VALIDATION_QUEUE); try again shortly`, { retryAfterSeconds: RETRY_AFTER_SECONDS }));

export async function inspectModel(opts: { file: string; sizeBytes: number; limits?: ModelLimits }): Promise<Signature> {
  const limits = opts.limits ?? DEFAULT_MODEL_LIMITS;
  if (opts.sizeBytes === 0) throw new AppError("unprocessable", "the uploaded file is empty");
  return slotsFor(limits)(() => validate(opts.file, limits));
}

async function validate(file: string, limits: ModelLimits): Promise<Signature> {
  // nothing of the web's configuration (database URL, secrets) reaches the process that parses uploads
  const exit = await runLimitedChild({ script: SCRIPT, args: [file, JSON.stringify(limits)], timeoutMs: limits.timeoutMs, maxMemoryMb: limits.maxMemoryMb, outputLimit: OUTPUT_LIMIT });
  if (exit.error) throw new AppError("internal", `could not start the model validator: ${exit.error.message}`);
  if (exit.over === "time") {
    throw new AppError("unprocessable", `checking the model took longer than the limit of ${limits.timeoutMs} ms (MODEL_VALIDATION_TIMEOUT_MS); it is refused`);
  }
  if (exit.over === "memory") {
    throw new AppError("unprocessable", `checking the model needed more memory than the limit of ${limits.maxMemoryMb} MiB (MODEL_VALIDATION_MAX_MEMORY_MB); it is refused`);
  }
  if (exit.result === null) {
    throw new AppError("unprocessable", `file is not a loadable ONNX model: the validator stopped (${exit.signal ?? `exit code ${exit.code}`})`);
  }
  const result = JSON.parse(exit.result) as InspectResult;
  if (!result.ok) throw new AppError("unprocessable", result.kind === "limit" ? `model refused: ${result.message}` : `file is not a loadable ONNX model: ${result.message}`);
  return signatureSchema.parse(result.signature);
}
