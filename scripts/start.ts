// `npm start`: check Postgres and Redis, migrate, seed, build the web app if needed, then run
// every process under one supervisor. Ctrl-C stops them all.
import { loadEnv, type EnvSpec } from "../lib/env/parse-env";
import { startEnv } from "../lib/env/start-env";
import { webEnv } from "../lib/env/web-env";
import { gatewayEnv } from "../lib/env/gateway-env";
import { inferenceEnv } from "../lib/env/inference-env";
import { jobsEnv } from "../lib/env/jobs-env";
import { ensureDatabase } from "../lib/db/ensure-database";
import { applyMigrations } from "../lib/db/migrate";
import { createDb } from "../lib/db/client";
import { LocalArtifactStore } from "../lib/storage/artifact-store";
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../lib/jobs/enqueue-deployment";
import { checkPort, checkPostgres, checkRedis, HOW_TO_START } from "./lib/preflight";
import { buildWebIfChanged } from "./lib/build-web";
import { supervise, type ProcSpec } from "./lib/supervise";
import { AUTH_SECRET_FILE, loadOrCreateAuthSecret } from "./lib/auth-secret-file";

const env = loadEnv(startEnv);
const webPort = env.PORT;
const gatewayPort = env.GATEWAY_PORT;
const inferencePort = env.INFERENCE_PORT;
const log = (m: string) => console.log(`[start] ${m}`);

// The web runs in production mode (`next start`), which refuses a missing or default secret: use
// NEXTAUTH_SECRET when set, else the one generated into .data/ at the first start.
const authSecret = env.NEXTAUTH_SECRET ?? (() => {
  const s = loadOrCreateAuthSecret();
  if (s.created) log(`generated NEXTAUTH_SECRET into ${AUTH_SECRET_FILE} (kept for the next starts; set NEXTAUTH_SECRET to use your own)`);
  return s.secret;
})();

const tsx = (script: string) => ["--import", "tsx", script];
// one cluster secret for every process (heartbeats and calls to workers are signed with it)
const cluster = { CLUSTER_SECRET: env.CLUSTER_SECRET };
// notification receivers on this machine (a local webhook, a test server) are allowed: this is a local setup
const notify = { NOTIFY_ALLOW_PRIVATE_NETWORKS: "1" };
const procs: ProcSpec[] = [
  // NODE_ENV as `next start` sets it, so that the check below applies the production rules
  { name: "web", command: "npx", args: ["next", "start", "-p", String(webPort)], env: { ...cluster, ...notify, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", NEXTAUTH_URL: env.NEXTAUTH_URL, NEXTAUTH_SECRET: authSecret } },
  { name: "jobs", command: process.execPath, args: tsx("workers/jobs/main.ts"), env: { ...cluster, ...notify, NEXTAUTH_URL: env.NEXTAUTH_URL, NEXTAUTH_SECRET: authSecret } },
  { name: "gateway", command: process.execPath, args: tsx("workers/gateway/main.ts"), env: { ...cluster, GATEWAY_PORT: String(gatewayPort) } },
  { name: "inference-cpu", command: process.execPath, args: tsx("workers/inference/main.ts"), env: { ...cluster, INFERENCE_DEVICE: "cpu", INFERENCE_PORT: String(inferencePort) } },
];
// Each process checks its own variables when it starts; check them all here first, with the
// environment each will get, so a bad value stops `npm start` before anything runs.
const specs: Record<string, EnvSpec> = { web: webEnv, jobs: jobsEnv, gateway: gatewayEnv, "inference-cpu": inferenceEnv };
for (const p of procs) loadEnv(specs[p.name], { ...process.env, ...p.env });
const gatewayProcesses = loadEnv(gatewayEnv, { ...process.env, ...procs.find((p) => p.name === "gateway")!.env }).GATEWAY_PROCESSES;

const problems = (await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)])).filter(Boolean);
if (problems.length) {
  for (const p of problems) console.error(`[start] ${p}`);
  console.error(HOW_TO_START);
  process.exit(1);
}
const busy = (await Promise.all([checkPort(webPort, "web, PORT"), checkPort(gatewayPort, "gateway, GATEWAY_PORT"), checkPort(inferencePort, "inference worker, INFERENCE_PORT")])).filter(Boolean);
if (busy.length) {
  for (const p of busy) console.error(`[start] ${p}`);
  process.exit(1);
}

await ensureDatabase(env.DATABASE_URL);
const applied = await applyMigrations(env.DATABASE_URL, { log });
log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database schema is up to date");
const db = createDb(env.DATABASE_URL);
const seeded = await seedDemo({ db, store: new LocalArtifactStore(env.ARTIFACT_DIR), adminEmail: env.SEED_ADMIN_EMAIL, adminPassword: env.SEED_ADMIN_PASSWORD, approverEmail: env.SEED_APPROVER_EMAIL, approverPassword: env.SEED_APPROVER_PASSWORD, redisUrl: env.REDIS_URL, log });
await closeDeploymentsQueue();
await db.$disconnect();

buildWebIfChanged(log);

log(`Switchyard is starting:
  web        http://localhost:${webPort}
  sign in    ${seeded.admin} / ${seeded.initialPassword ? `${seeded.initialPassword}   (shown this once; you choose your own at the first sign-in)` : env.SEED_ADMIN_PASSWORD ? "(SEED_ADMIN_PASSWORD)" : "(the password printed at the first start, or the one you chose)"}
  approver   ${seeded.approver} / ${seeded.approverInitialPassword ? `${seeded.approverInitialPassword}   (shown this once; approves the admin's promotions, e.g. on credit-risk-prod)` : env.SEED_APPROVER_PASSWORD ? "(SEED_APPROVER_PASSWORD)" : "(the password printed at the first start, or the one chosen)"}
  API        http://localhost:${webPort}/api/v1/openapi.json
  gateway    http://localhost:${gatewayPort}  (${gatewayProcesses} process${gatewayProcesses === 1 ? "" : "es"}, GATEWAY_PROCESSES; try: curl -s localhost:${gatewayPort}/v1/endpoints/credit-risk/predict -H 'x-user-id: ana' -d @fixtures/predict-example.json)
Ctrl-C stops everything.`);
await supervise(procs);
