// A process that runs a tenant's model gets what the runtime needs and none of the cluster's secrets.
import { describe, expect, it } from "vitest";
import { modelProcessEnv } from "../../lib/env/model-process-env";

describe("the environment of a model's process", () => {
  it("keeps the runtime's paths and devices and drops every secret and connection string", () => {
    const env = modelProcessEnv({
      PATH: "/usr/bin", LD_LIBRARY_PATH: "/usr/local/cuda/lib64", CUDA_VISIBLE_DEVICES: "0", NVIDIA_VISIBLE_DEVICES: "all",
      DATABASE_URL: "postgresql://u:p@db/x", REDIS_URL: "redis://:pw@redis:6379", CLUSTER_SECRET: "s".repeat(40), NEXTAUTH_SECRET: "n".repeat(40),
      METRICS_TOKEN: "m", AWS_SECRET_ACCESS_KEY: "a", NODE_OPTIONS: "--require /tmp/x.js",
    });
    expect(env).toEqual({ NODE_ENV: "production", PATH: "/usr/bin", LD_LIBRARY_PATH: "/usr/local/cuda/lib64", CUDA_VISIBLE_DEVICES: "0", NVIDIA_VISIBLE_DEVICES: "all" });
  });
});
