import type { NextConfig } from "next";

const config: NextConfig = {
  // onnxruntime-node and the schema engine are native/wasm packages; keep them out of the bundle.
  serverExternalPackages: ["onnxruntime-node", "@prisma/schema-engine-wasm", "pino", "bullmq", "ioredis", "bcryptjs"],
  poweredByHeader: false,
  typedRoutes: false,
  // `npm test` runs tsc over the whole repository; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default config;
