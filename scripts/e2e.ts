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
import { buildWebIfChanged } from "./lib/build-web";

const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `switchyard_e2e_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const port = Number(process.env.E2E_PORT ?? 3100);
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-"));

const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
let code = 1;
const env = { ...process.env, DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, NEXTAUTH_URL: `http://127.0.0.1:${port}`, NEXTAUTH_SECRET: "e2e-secret", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" };
const web = { proc: null as ReturnType<typeof spawn> | null };
try {
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  await seedDemo({ db, store: new LocalArtifactStore(artifactDir), adminEmail: "admin@switchyard.local", adminPassword: "switchyard-admin" });
  await db.$disconnect();
  buildWebIfChanged((m) => console.log(`[e2e] ${m}`));

  web.proc = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  await waitFor(`http://127.0.0.1:${port}/api/v1/health`, 60_000);
  const r = spawnSync("npx", ["playwright", "test", "-c", "e2e/playwright.config.ts", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...env, E2E_BASE_URL: `http://127.0.0.1:${port}`, E2E_DATABASE_URL: databaseUrl },
  });
  code = r.status ?? 1;
} finally {
  if (web.proc?.pid) try { process.kill(-web.proc.pid, "SIGTERM"); } catch { /* already gone */ }
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(artifactDir, { recursive: true, force: true });
}
process.exit(code);

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up in ${ms} ms`);
}
