// `npm start`: check Postgres and Redis, migrate, seed, build the web app if needed, then run
// every process under one supervisor. Ctrl-C stops them all.
import { loadConfig } from "../lib/config";
import { ensureDatabase } from "../lib/db/ensure-database";
import { applyMigrations } from "../lib/db/migrate";
import { createDb } from "../lib/db/client";
import { LocalArtifactStore } from "../lib/storage/artifact-store";
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../lib/jobs/enqueue-deployment";
import { checkPort, checkPostgres, checkRedis, HOW_TO_START } from "./lib/preflight";
import { buildWebIfChanged } from "./lib/build-web";
import { supervise, type ProcSpec } from "./lib/supervise";

const config = loadConfig();
const webPort = Number(process.env.PORT ?? 3000);
const gatewayPort = Number(process.env.GATEWAY_PORT ?? 8080);
const inferencePort = Number(process.env.INFERENCE_PORT ?? 9001);
const log = (m: string) => console.log(`[start] ${m}`);

const problems = (await Promise.all([checkPostgres(config.databaseUrl), checkRedis(config.redisUrl)])).filter(Boolean);
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

await ensureDatabase(config.databaseUrl);
const applied = await applyMigrations(config.databaseUrl);
log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database schema is up to date");
const db = createDb(config.databaseUrl);
await seedDemo({ db, store: new LocalArtifactStore(config.artifactDir), adminEmail: config.adminEmail, adminPassword: config.adminPassword, redisUrl: config.redisUrl, log });
await closeDeploymentsQueue();
await db.$disconnect();

buildWebIfChanged(log);

const tsx = (script: string) => ["--import", "tsx", script];
const procs: ProcSpec[] = [
  { name: "web", command: "npx", args: ["next", "start", "-p", String(webPort)], env: { NEXT_TELEMETRY_DISABLED: "1", NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${webPort}` } },
  { name: "jobs", command: process.execPath, args: tsx("workers/jobs/main.ts") },
  { name: "gateway", command: process.execPath, args: tsx("workers/gateway/main.ts"), env: { GATEWAY_PORT: String(gatewayPort) } },
  { name: "inference-cpu", command: process.execPath, args: tsx("workers/inference/main.ts"), env: { INFERENCE_DEVICE: "cpu", INFERENCE_PORT: String(inferencePort) } },
];

log(`Switchyard is starting:
  web        http://localhost:${webPort}
  sign in    ${config.adminEmail} / ${process.env.SEED_ADMIN_PASSWORD ? "(SEED_ADMIN_PASSWORD)" : config.adminPassword}
  API        http://localhost:${webPort}/api/v1/openapi.json
  gateway    http://localhost:${gatewayPort}  (try: curl -s localhost:${gatewayPort}/v1/endpoints/credit-risk/predict -H 'x-user-id: ana' -d @fixtures/predict-example.json)
Ctrl-C stops everything.`);
await supervise(procs);
