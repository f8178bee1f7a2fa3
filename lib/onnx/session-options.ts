// The onnxruntime session options that the inference workers' session processes
// (lib/serving/data/inference/session-process.ts) and the upload validator
// (inspect-model-process.ts) both use, so that a model is validated exactly as it will be loaded:
// a graph that is costly to optimise is caught by the validator, within its limits, rather than in
// a worker. Nothing here loads onnxruntime; the session.create calls check the types.

export const SESSION_OPTIONS = {
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
} as const;
