// The environment of a process that runs a tenant's model (an inference session, an upload check):
// only what the runtime needs to find its libraries and devices. A model that exploits onnxruntime
// must find no database URL, Redis password or signing secret there.
const PASS = /^(PATH|TMPDIR|LANG|LC_ALL|TZ|LD_LIBRARY_PATH|CUDA_VISIBLE_DEVICES|CUDA_HOME|NVIDIA_[A-Z_]+|ORT_[A-Z_]+|OMP_NUM_THREADS)$/;

export function modelProcessEnv(env: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = { NODE_ENV: "production" };
  for (const [k, v] of Object.entries(env)) if (PASS.test(k) && v !== undefined) out[k] = v;
  return out;
}
