// Runs the Playwright journeys against the real app: a fresh database, migrated and seeded the way
// `npm start` does it, the production build of the web app, and Debian's Chromium.
// Everything it tests is its own: a private redis-server, processes it starts on ports that were free,
// and it refuses to go on when what answers on those ports is not the process it started (a running
// instance must never receive the tests' writes).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../lib/db/migrate";
import { createDb } from "../lib/db/client";
import { LocalArtifactStore } from "../lib/storage/artifact-store";
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../lib/jobs/enqueue-deployment";
import { buildWebIfChanged } from "./lib/build-web";
import { clusterSecret, freePort, httpOk, startProcess, startRedis, stopProcess, type Proc } from "../tests/helpers/processes";

const HOST = "127.0.0.1";
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `switchyard_e2e_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-"));

/** Whether anything accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, HOST);
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** A free port that nothing listens on. */
async function ownPort(what: string): Promise<number> {
  const port = await freePort();
  if (await listening(port)) throw new Error(`${what}: something already answers on ${HOST}:${port}; the e2e tests only run against processes they start`);
  return port;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Waits until the process it started answers on its port; fails at once if that process has gone (whatever answers then is not ours). */
async function waitForOwn(what: string, child: ChildProcess, url: string, output: () => string = () => "") {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const up = await httpOk(url);
    if (!alive(child)) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode})${up ? `, yet something answers at ${url}` : " before it answered"}\n${output()}`);
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} at ${url}\n${output()}`);
}

const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
let code = 1;
let redis: Awaited<ReturnType<typeof startRedis>> | null = null;
const web = { proc: null as ChildProcess | null };
const workers: Proc[] = [];
try {
  // A redis-server of its own: queues, heartbeats and the prediction stream of a local `npm start` stay apart.
  redis = await startRedis();
  const redisUrl = redis.url;
  const port = await ownPort("web");
  const gatewayPort = await ownPort("gateway");
  const inferencePort = await ownPort("inference");
  const env = { ...process.env, DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redisUrl, GATEWAY_PUBLIC_URL: `http://${HOST}:${gatewayPort}`, NEXTAUTH_URL: `http://${HOST}:${port}`, NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn", CLUSTER_SECRET: clusterSecret() };

  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  // a given password, as SEED_ADMIN_PASSWORD gives it: the journeys sign in without the forced first change
  await seedDemo({ db, store: new LocalArtifactStore(artifactDir), adminEmail: "admin@switchyard.local", adminPassword: "switchyard-admin", approverPassword: "switchyard-approver", redisUrl });
  await closeDeploymentsQueue();
  await db.$disconnect();
  // every process gets the web's cluster secret (startProcess passes the same one by default)
  const procEnv = { DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redisUrl, JOBS_RECONCILE_MS: "1000", JOBS_INGEST_LAG_MS: "500", JOBS_ALERTS_MS: "2000", CLUSTER_SECRET: env.CLUSTER_SECRET };
  workers.push(startProcess("inference", "workers/inference/main.ts", { ...procEnv, INFERENCE_PORT: String(inferencePort), INFERENCE_WORKER_ID: `e2e-${inferencePort}` }));
  workers.push(startProcess("jobs", "workers/jobs/main.ts", procEnv));
  const gateway = startProcess("gateway", "workers/gateway/main.ts", { ...procEnv, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: HOST, GATEWAY_RELOAD_MS: "1000" });
  workers.push(gateway);
  await waitForOwn("gateway", gateway.child, `http://${HOST}:${gatewayPort}/v2/health/live`, () => gateway.output.join("").slice(-3000));
  buildWebIfChanged((m) => console.log(`[e2e] ${m}`));

  // the web port was free a moment ago; make sure it still is before starting on it
  if (await listening(port)) throw new Error(`web: something started answering on ${HOST}:${port}; refusing to test it`);
  web.proc = spawn("npx", ["next", "start", "-p", String(port), "-H", HOST], { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  await waitForOwn("web", web.proc, `http://${HOST}:${port}/api/v1/health`);
  const r = spawnSync("npx", ["playwright", "test", "-c", "e2e/playwright.config.ts", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...env, E2E_BASE_URL: `http://${HOST}:${port}`, E2E_DATABASE_URL: databaseUrl, E2E_GATEWAY_URL: `http://${HOST}:${gatewayPort}` },
  });
  code = r.status ?? 1;
  for (const [what, child] of [["web", web.proc], ["gateway", gateway.child]] as const) {
    if (!alive(child)) {
      console.error(`[e2e] ${what} exited during the tests; what answered them may not have been ours`);
      code = code || 1;
    }
  }
} catch (err) {
  console.error(`[e2e] ${(err as Error).message}`);
} finally {
  if (web.proc?.pid) try { process.kill(-web.proc.pid, "SIGTERM"); } catch { /* already gone */ }
  await Promise.all(workers.map((p) => stopProcess(p)));
  if (code !== 0) for (const p of workers) console.error(`--- ${p.name}\n${p.output.join("").slice(-3000)}`);
  await redis?.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(artifactDir, { recursive: true, force: true });
}
process.exit(code);
