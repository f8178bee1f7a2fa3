// Config, validated once per process: the schemas in lib/env, the README table generated from them,
// and a real process that refuses to start on a bad value.
import { readFileSync } from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { CONFIG_TABLE_END, CONFIG_TABLE_START, configTable } from "@/lib/env/docs";
import { EnvError, parseEnv } from "@/lib/env/parse-env";
import { gatewayEnv } from "@/lib/env/gateway-env";
import { inferenceEnv } from "@/lib/env/inference-env";
import { jobsEnv } from "@/lib/env/jobs-env";
import { webEnv } from "@/lib/env/web-env";
import { startEnv } from "@/lib/env/start-env";
import { cliEnv } from "@/lib/env/cli-env";
import { startProcess } from "./helpers/processes";

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof EnvError) return err.problems;
    throw err;
  }
  throw new Error("expected an EnvError");
};

describe("configuration", () => {
  it("keeps the README's table equal to what the schemas say (npm run docs:config rewrites it)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const start = readme.indexOf(CONFIG_TABLE_START);
    const end = readme.indexOf(CONFIG_TABLE_END);
    expect(start, "README.md has the configuration table markers").toBeGreaterThan(0);
    expect(readme.slice(start + CONFIG_TABLE_START.length, end).trim(), "run `npm run docs:config`").toBe(configTable());
  });

  it("keeps today's defaults when nothing is set", () => {
    expect(parseEnv(gatewayEnv, {})).toMatchObject({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/switchyard", REDIS_URL: "redis://127.0.0.1:6379", LOG_LEVEL: "info",
      GATEWAY_PORT: 8080, GATEWAY_HOST: "0.0.0.0", GATEWAY_TIMEOUT_MS: 10_000, GATEWAY_MAX_BODY_BYTES: 4_194_304, GATEWAY_RELOAD_MS: 5_000,
      GATEWAY_LOG_PREDICTIONS: true, GATEWAY_LOG_BUFFER: 200_000, GATEWAY_COALESCE: true,
      // one gateway process per core
      GATEWAY_PROCESSES: os.availableParallelism(),
    });
    expect(parseEnv(inferenceEnv, {})).toMatchObject({ ARTIFACT_DIR: ".data/artifacts", INFERENCE_PORT: 9001, INFERENCE_HOST: "127.0.0.1", INFERENCE_DEVICE: "cpu", INFERENCE_GPU_FALLBACK: "cpu", INFERENCE_MAX_QUEUE_ROWS: 4096, INFERENCE_INTRA_OP_THREADS: 1 });
    expect(parseEnv(inferenceEnv, { INFERENCE_PORT: "9005" }).INFERENCE_WORKER_ID).toMatch(/-9005$/);
    expect(parseEnv(jobsEnv, {})).toMatchObject({ JOBS_PORT: 9464, JOBS_HOST: "127.0.0.1", JOBS_LOCK_MS: 30_000, JOBS_STALLED_MS: 30_000, JOBS_RECONCILE_MS: 5_000, JOBS_HEAL_MS: 5_000, JOBS_INGEST_LAG_MS: 1_500, PREDICTION_LOG_RETENTION_DAYS: 30, INGEST_CLAIM_IDLE_MS: 30_000, JOBS_DEPLOYMENT_CONCURRENCY: 8 });
    expect(parseEnv(webEnv, {})).toMatchObject({ MAX_UPLOAD_BYTES: 268_435_456, NEXTAUTH_SECRET: "switchyard-dev-secret-change-me", API_RATE_LIMIT_PER_MINUTE: 1200, GATEWAY_PUBLIC_URL: "http://localhost:8080", oidc: null });
    expect(parseEnv(startEnv, {})).toMatchObject({ PORT: 3000, NEXTAUTH_URL: "http://localhost:3000", SEED_ADMIN_EMAIL: "admin@switchyard.local" });
    expect(parseEnv(startEnv, {}).SEED_ADMIN_PASSWORD).toBeUndefined(); // a random one, printed once
    expect(parseEnv(cliEnv, {})).toEqual({ SWITCHYARD_URL: "http://localhost:3000" });
  });

  it("derives GATEWAY_PUBLIC_URL from GATEWAY_PORT when unset, and NEXTAUTH_URL from PORT for npm start", () => {
    expect(parseEnv(webEnv, { GATEWAY_PORT: "18080" }).GATEWAY_PUBLIC_URL).toBe("http://localhost:18080");
    expect(parseEnv(webEnv, { GATEWAY_PORT: "18080", GATEWAY_PUBLIC_URL: "https://gw.example.com" }).GATEWAY_PUBLIC_URL).toBe("https://gw.example.com");
    expect(parseEnv(startEnv, { PORT: "3005" }).NEXTAUTH_URL).toBe("http://localhost:3005");
  });

  it("coerces and checks: names the variable, what it expects and what it got", () => {
    expect(problems(() => parseEnv(gatewayEnv, { GATEWAY_TIMEOUT_MS: "5s" }))).toEqual([`GATEWAY_TIMEOUT_MS: expected a whole number of milliseconds ≥ 1, got "5s"`]);
    expect(problems(() => parseEnv(gatewayEnv, { GATEWAY_PORT: "70000", GATEWAY_LOG_PREDICTIONS: "yes", GATEWAY_TIMEOUT_MS: "0" }))).toEqual([
      `GATEWAY_PORT: expected a port number from 1 to 65535, got "70000"`,
      `GATEWAY_TIMEOUT_MS: expected a whole number of milliseconds ≥ 1, got "0"`,
      `GATEWAY_LOG_PREDICTIONS: expected 1 or 0, got "yes"`,
    ]);
    expect(problems(() => parseEnv(gatewayEnv, { GATEWAY_PROCESSES: "0" }))).toEqual([`GATEWAY_PROCESSES: expected a whole number of processes ≥ 1, got "0"`]);
    expect(problems(() => parseEnv(inferenceEnv, { INFERENCE_DEVICE: "tpu" }))).toEqual([`INFERENCE_DEVICE: expected one of "cpu", "cuda" or "webgpu", got "tpu"`]);
    expect(problems(() => parseEnv(jobsEnv, { LOG_LEVEL: "verbose", JOBS_RECONCILE_MS: "1e3" }))).toEqual([
      `LOG_LEVEL: expected one of "fatal", "error", "warn", "info", "debug", "trace" or "silent", got "verbose"`,
      `JOBS_RECONCILE_MS: expected a whole number of milliseconds ≥ 1, got "1e3"`,
    ]);
    // a heap growth under V8's least factor would collect in full almost without pause
    expect(problems(() => parseEnv(jobsEnv, { JOBS_HEAP_GROWTH_PERCENT: "5" }))).toEqual([`JOBS_HEAP_GROWTH_PERCENT: expected 0, or a whole number of percent from 10 to 1000, got 5`]);
    expect(parseEnv(jobsEnv, { JOBS_HEAP_GROWTH_PERCENT: "0" }).JOBS_HEAP_GROWTH_PERCENT).toBe(0);
    expect(parseEnv(jobsEnv, {}).JOBS_HEAP_GROWTH_PERCENT).toBe(300);
    // credentials in a URL are not repeated
    expect(problems(() => parseEnv(jobsEnv, { DATABASE_URL: "mysql://u:hunter2@db/x" }))).toEqual([`DATABASE_URL: expected a URL starting with postgresql:// or postgres://, got "mysql://u:***@db/x"`]);
    // empty is unset
    expect(parseEnv(gatewayEnv, { GATEWAY_TIMEOUT_MS: "", GATEWAY_LOG_PREDICTIONS: "0" })).toMatchObject({ GATEWAY_TIMEOUT_MS: 10_000, GATEWAY_LOG_PREDICTIONS: false });
  });

  it("refuses single sign-on half set up", () => {
    expect(problems(() => parseEnv(webEnv, { OIDC_ISSUER: "https://id.example.com" }))[0]).toMatch(/^OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: single sign-on needs/);
    expect(parseEnv(webEnv, { OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "sy", OIDC_CLIENT_SECRET: "s" }).oidc).toEqual({ issuer: "https://id.example.com", clientId: "sy", clientSecret: "s", name: "Single sign-on" });
  });

  it("stops the real gateway process with exit 1, naming the variable, without a stack trace", async () => {
    const p = startProcess("gateway-bad-env", "workers/gateway/main.ts", { GATEWAY_TIMEOUT_MS: "5s", GATEWAY_PORT: "0" });
    expect(await p.exited).toBe(1);
    const out = p.output.join("");
    expect(out).toContain(`GATEWAY_TIMEOUT_MS: expected a whole number of milliseconds ≥ 1, got "5s"`);
    expect(out).toContain(`GATEWAY_PORT: expected a port number from 1 to 65535, got "0"`);
    expect(out).not.toMatch(/^\s+at /m);
  }, 30_000);
});
