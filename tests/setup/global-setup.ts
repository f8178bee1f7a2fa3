// One fresh database per test run, migrated with the same migrator `npm start` uses, and a private
// redis-server, so no test enqueues into (or counts against) the Redis of a running instance.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { startRedis } from "../helpers/processes";
import type { TestProject } from "vitest/node";
import { testDatabaseUrl, ADMIN_URL } from "./urls";

export default async function setup(project: TestProject) {
  const name = `switchyard_test_${process.pid}`;
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = testDatabaseUrl(name);
  await applyMigrations(url);
  const artifacts = mkdtempSync(path.join(os.tmpdir(), "switchyard-artifacts-"));
  const redis = await startRedis();
  project.provide("testDb", name);
  project.provide("testArtifacts", artifacts);
  project.provide("testRedis", redis.url);
  return async () => {
    await redis.stop();
    const c = new pg.Client(ADMIN_URL);
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
    rmSync(artifacts, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    testDb: string;
    testArtifacts: string;
    testRedis: string;
  }
}
