import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Layering. Only lib/api speaks HTTP, so nothing else in lib/ imports it (or the app). The control
// plane (web, jobs, lib/serving/control, lib/serving/shared) never loads onnxruntime and never reaches
// into the data plane's modules; only the inference worker's session processes (and the upload
// validator's child process, lib/onnx/inspect-model-process.ts) run models.
const HTTP_LAYER = [
  { regex: "(^|/)(lib/)?api/", message: "only lib/api speaks HTTP: throw an AppError with a field and let lib/api map it" },
  { regex: "(^|/|@/)app/", message: "lib/ must not import the Next.js app" },
];
const NO_ORT = { name: "onnxruntime-node", message: "the control plane never loads onnxruntime: models run in workers/inference" };
const NO_INFERENCE = { regex: "serving/data/inference/", message: "the control plane never imports the inference worker's modules" };
const SESSION_PROCESS_ONLY = { name: "onnxruntime-node", message: "session.run blocks its thread: sessions run in session processes (session-process.ts via session-runner.ts), never on the worker's event loop" };
const NO_DATA_PLANE = { regex: "(^|/)data/", message: "control and shared serving code never import the data plane (lib/serving/data)" };
const restrict = (paths, patterns) => ({ "no-restricted-imports": ["error", { paths, patterns }] });
// Configuration is read once per process, by a zod schema in lib/env, and passed down as values.
const NO_PROCESS_ENV = {
  "no-restricted-properties": ["error", { object: "process", property: "env", message: "read configuration through lib/env (one schema per process, parsed at start: loadEnv(gatewayEnv) …) and pass the values down; only lib/env reads process.env" }],
};

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "lib/generated/", ".data/", "test-results/", "playwright-report/", "next-env.d.ts", "public/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": ["error", { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip|todo)$/]", message: "no focused or skipped tests" }],
    },
  },
  {
    files: ["lib/**/*.ts", "lib/**/*.tsx"],
    ignores: ["lib/api/**", "lib/serving/**", "lib/onnx/inspect-model-process.ts"],
    rules: restrict([NO_ORT], [...HTTP_LAYER, NO_INFERENCE]),
  },
  { files: ["lib/serving/control/**", "lib/serving/shared/**"], rules: restrict([NO_ORT], [...HTTP_LAYER, NO_DATA_PLANE]) },
  { files: ["lib/serving/data/**"], ignores: ["lib/serving/data/inference/**"], rules: restrict([NO_ORT], [...HTTP_LAYER, NO_INFERENCE]) },
  { files: ["lib/serving/data/inference/**", "lib/onnx/inspect-model-process.ts"], rules: restrict([], HTTP_LAYER) },
  {
    files: ["lib/serving/data/inference/**"],
    ignores: ["lib/serving/data/inference/session-process.ts", "lib/serving/data/inference/ort-tensors.ts", "lib/serving/data/inference/providers.ts"],
    rules: restrict([SESSION_PROCESS_ONLY], HTTP_LAYER),
  },
  // inline serving (placement "inline") shares the workers' batcher and probe; only its thread entry loads onnxruntime
  { files: ["lib/serving/data/inline/**"], ignores: ["lib/serving/data/inline/inline-thread.ts"], rules: restrict([{ name: "onnxruntime-node", message: "session.run blocks its thread: inline sessions run in inline threads (inline-thread.ts), never on the gateway's event loop" }], HTTP_LAYER) },
  { files: ["lib/serving/data/inline/inline-thread.ts"], rules: restrict([], HTTP_LAYER) },
  { files: ["app/**", "components/**", "cli/**", "workers/jobs/**", "workers/gateway/**"], rules: restrict([NO_ORT], [NO_INFERENCE]) },
  { files: ["app/**", "components/**", "lib/**", "workers/**", "cli/**"], ignores: ["lib/env/**"], rules: NO_PROCESS_ENV },
);
