// The whole app on this machine, for benchmarks: a fresh database migrated and seeded like `npm start`
// does it (with known passwords), a private redis-server, and the real processes (inference worker, job
// workers, gateway, `next start`) on free ports. stop() takes everything down, the database included.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../../../lib/db/migrate";
import { createDb, type Db } from "../../../lib/db/client";
import { LocalArtifactStore } from "../../../lib/storage/artifact-store";
import { seedDemo } from "../../../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../../../lib/jobs/enqueue-deployment";
import { buildWebIfChanged } from "../../lib/build-web";
import { clusterSecret, freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "../../../tests/helpers/processes";

const HOST = "127.0.0.1";
export const DEMO_ADMIN = { email: "admin@switchyard.local", password: "switchyard-admin" };

export type DemoStack = {
  baseUrl: string;
  databaseUrl: string;
  store: LocalArtifactStore;
  /** a client of the stack's database (closed by stop) */
  db: Db;
  stop: (opts?: { keepDatabase?: boolean }) => Promise<void>;
};

export async function startDemoStack(log: (m: string) => void): Promise<DemoStack> {
  const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
  const dbName = `switchyard_bench_ui_${process.pid}`;
  const databaseUrl = `${PG}/${dbName}`;
  const artifactDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-ui-"));
  const admin = new pg.Client(`${PG}/postgres`);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const procs: Proc[] = [];
  let web: ChildProcess | null = null;
  let redis: Awaited<ReturnType<typeof startRedis>> | null = null;
  let db: Db | null = null;
  const stop = async (opts: { keepDatabase?: boolean } = {}) => {
    if (web?.pid) try { process.kill(-web.pid, "SIGTERM"); } catch { /* already gone */ }
    await Promise.all(procs.map((p) => stopProcess(p)));
    await redis?.stop();
    await db?.$disconnect();
    if (!opts.keepDatabase) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    if (!opts.keepDatabase) rmSync(artifactDir, { recursive: true, force: true });
  };
  try {
    buildWebIfChanged(log);
    redis = await startRedis();
    const [port, gatewayPort, inferencePort] = [await freePort(), await freePort(), await freePort()];
    await applyMigrations(databaseUrl);
    db = createDb(databaseUrl);
    const store = new LocalArtifactStore(artifactDir);
    await seedDemo({ db, store, adminEmail: DEMO_ADMIN.email, adminPassword: DEMO_ADMIN.password, approverPassword: "switchyard-approver", redisUrl: redis.url });
    await closeDeploymentsQueue();
    const secret = clusterSecret();
    const procEnv = { DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redis.url, CLUSTER_SECRET: secret, LOG_LEVEL: "warn" };
    procs.push(startProcess("inference", "workers/inference/main.ts", { ...procEnv, INFERENCE_PORT: String(inferencePort), INFERENCE_WORKER_ID: `bench-${inferencePort}` }));
    procs.push(startProcess("jobs", "workers/jobs/main.ts", procEnv));
    const gateway = startProcess("gateway", "workers/gateway/main.ts", { ...procEnv, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: HOST });
    procs.push(gateway);
    const env = {
      ...process.env, ...procEnv, GATEWAY_PUBLIC_URL: `http://${HOST}:${gatewayPort}`, NEXTAUTH_URL: `http://${HOST}:${port}`,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), NEXT_TELEMETRY_DISABLED: "1",
    };
    web = spawn("npx", ["next", "start", "-p", String(port), "-H", HOST], { env, stdio: ["ignore", "ignore", "inherit"], detached: true });
    const baseUrl = `http://${HOST}:${port}`;
    await waitFor("web", () => httpOk(`${baseUrl}/api/v1/health`), 60_000, 200);
    // the seeded endpoints' first deployments are carried out by the job workers and the inference worker
    await waitFor("the seeded deployments", async () => (await db!.deployment.count({ where: { status: { in: ["pending", "running"] } } })) === 0, 120_000, 500)
      .catch((err) => { throw new Error(`${(err as Error).message}\n${procs.map((p) => `--- ${p.name}\n${p.output.join("").slice(-2000)}`).join("\n")}`); });
    return { baseUrl, databaseUrl, store, db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
