// Two kinds of "device": what a variant asks for (cpu | gpu), and what an inference worker runs
// (cpu | cuda | webgpu). A gpu variant runs on any GPU runtime.
export const VARIANT_DEVICES = ["cpu", "gpu"] as const;
export type VariantDevice = (typeof VARIANT_DEVICES)[number];

export const WORKER_DEVICES = ["cpu", "cuda", "webgpu"] as const;
export type WorkerDevice = (typeof WORKER_DEVICES)[number];

const GPU_RUNTIMES: readonly string[] = ["cuda", "webgpu"];

/** Whether a worker running on `workerDevice` may serve a variant that asks for `variantDevice`. */
export function runsOn(workerDevice: string, variantDevice: VariantDevice): boolean {
  return variantDevice === "gpu" ? GPU_RUNTIMES.includes(workerDevice) : workerDevice === "cpu";
}
