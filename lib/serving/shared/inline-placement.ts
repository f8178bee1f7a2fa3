// Which variants may run inline, inside the gateway's processes. Inline sessions live in worker
// threads of the gateway, which share its native memory (a thread's V8 heap can be capped, the
// memory onnxruntime allocates cannot), so only small cpu models qualify. The control plane
// refuses the rest when the traffic change is asked for; the gateway checks again before loading.
export const INLINE_MAX_MODEL_MB_DEFAULT = 64;

/** Why a variant cannot run inline, or null when it can. */
export function inlineRefusal(v: { device: string; sizeBytes: number }, maxModelMb: number): string | null {
  if (maxModelMb === 0) return `placement "inline" is off in this installation (INLINE_MAX_MODEL_MB=0): use placement "worker"`;
  if (v.device !== "cpu") return `placement "inline" runs on the gateway's CPU: use device "cpu" (or placement "worker" for ${v.device})`;
  const mb = v.sizeBytes / (1024 * 1024);
  if (mb > maxModelMb) return `the model file is ${mb.toFixed(1)} MiB; placement "inline" takes models up to ${maxModelMb} MiB (INLINE_MAX_MODEL_MB), use placement "worker"`;
  return null;
}
