// Runs the Playwright journeys against the real app: a fresh database, migrated and seeded the way
// `npm start` does it, the production build of the web app, and Debian's Chromium.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../lib/db/migrate";
import { createDb } from "../lib/db/client";
import { LocalArtifactStore } from "../lib/storage/artifact-store";
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../lib/jobs/enqueue-deployment";
import { buildWebIfChanged } from "./lib/build-web";
import { freePort, httpOk, startProcess, stopProcess, waitFor, type Proc } from "../tests/helpers/processes";

const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `switchyard_e2e_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const port = Number(process.env.E2E_PORT ?? 3100);
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-"));

const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
let code = 1;
// A Redis database of its own, so queues and heartbeats of a local `npm start` stay apart.
const redisUrl = process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/7";
const gatewayPort = await freePort();
const inferencePort = await freePort();
const env = { ...process.env, DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redisUrl, GATEWAY_PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`, NEXTAUTH_URL: `http://127.0.0.1:${port}`, NEXTAUTH_SECRET: "e2e-secret", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" };
const web = { proc: null as ReturnType<typeof spawn> | null };
const workers: Proc[] = [];
try {
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  await seedDemo({ db, store: new LocalArtifactStore(artifactDir), adminEmail: "admin@switchyard.local", adminPassword: "switchyard-admin", redisUrl });
  await closeDeploymentsQueue();
  await db.$disconnect();
  const procEnv = { DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redisUrl, JOBS_RECONCILE_MS: "1000", JOBS_INGEST_LAG_MS: "500" };
  workers.push(startProcess("inference", "workers/inference/main.ts", { ...procEnv, INFERENCE_PORT: String(inferencePort), INFERENCE_WORKER_ID: `e2e-${inferencePort}` }));
  workers.push(startProcess("jobs", "workers/jobs/main.ts", procEnv));
  workers.push(startProcess("gateway", "workers/gateway/main.ts", { ...procEnv, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_RELOAD_MS: "1000" }));
  await waitFor("gateway", () => httpOk(`http://127.0.0.1:${gatewayPort}/v2/health/live`), 60_000);
  buildWebIfChanged((m) => console.log(`[e2e] ${m}`));

  web.proc = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  await waitFor("web", () => httpOk(`http://127.0.0.1:${port}/api/v1/health`), 60_000);
  const r = spawnSync("npx", ["playwright", "test", "-c", "e2e/playwright.config.ts", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...env, E2E_BASE_URL: `http://127.0.0.1:${port}`, E2E_DATABASE_URL: databaseUrl, E2E_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` },
  });
  code = r.status ?? 1;
} finally {
  if (web.proc?.pid) try { process.kill(-web.proc.pid, "SIGTERM"); } catch { /* already gone */ }
  await Promise.all(workers.map((p) => stopProcess(p)));
  if (code !== 0) for (const p of workers) console.error(`--- ${p.name}\n${p.output.join("").slice(-3000)}`);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(artifactDir, { recursive: true, force: true });
}
process.exit(code);
