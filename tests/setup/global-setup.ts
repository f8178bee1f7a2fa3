// One fresh database per test run, migrated with the same migrator `npm start` uses.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
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
  project.provide("testDb", name);
  project.provide("testArtifacts", artifacts);
  return async () => {
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
  }
}
