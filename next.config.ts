import type { NextConfig } from "next";

const config: NextConfig = {
  // onnxruntime-node and the schema engine are native/wasm packages; keep them out of the bundle.
  serverExternalPackages: ["onnxruntime-node", "@prisma/schema-engine-wasm", "pino", "bullmq", "ioredis", "bcryptjs"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
