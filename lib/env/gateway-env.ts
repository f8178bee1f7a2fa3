// workers/gateway: the data plane's front door.
import { baseFields } from "./base-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { flag, port, text, wholeNumber } from "./schema-helpers";

export const GATEWAY_PORT = port({ default: 8080, description: "gateway port" });

export const gatewayEnv = defineEnv("gateway", {
  DATABASE_URL: baseFields.DATABASE_URL,
  REDIS_URL: baseFields.REDIS_URL,
  LOG_LEVEL: baseFields.LOG_LEVEL,
  GATEWAY_PORT,
  GATEWAY_HOST: text({ default: "0.0.0.0", description: "gateway listen address" }),
  GATEWAY_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 10_000, description: "per-request timeout towards a worker" }),
  GATEWAY_MAX_BODY_BYTES: wholeNumber({ min: 1, unit: "bytes", default: 4 * 1024 * 1024, docDefault: "`4194304` (4 MiB)", description: "larger request bodies get 413" }),
  GATEWAY_RELOAD_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 5_000, description: "routing-table reload period (pub/sub reloads at once)" }),
  GATEWAY_LOG_PREDICTIONS: flag({ default: true, description: "`0` stops the prediction log (benchmarks only)" }),
  GATEWAY_LOG_BUFFER: wholeNumber({ min: 0, unit: "records", default: 200_000, description: "records kept in memory while Redis is away" }),
  GATEWAY_COALESCE: flag({ default: true, description: "`0` sends each request to its worker alone (benchmarks only)" }),
});
export type GatewayEnv = EnvOf<typeof gatewayEnv>;
