// Developer tool: writes prisma/migrations/<timestamp>_<name>/migration.sql for the changes in
// schema.prisma since the schema of the last commit that touched prisma/migrations.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { diffSchemas, MIGRATIONS_DIR } from "../lib/db/migrate";
import { loadEnv } from "../lib/env/parse-env";
import { adminEnv } from "../lib/env/cli-env";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: tsx scripts/migrate-dev.ts <snake_case_name>");
  process.exit(2);
}
const last = execFileSync("git", ["log", "-1", "--format=%H", "--", "prisma/migrations"]).toString().trim();
const base = last ? execFileSync("git", ["show", `${last}:prisma/schema.prisma`]).toString() : null;
const sql = await diffSchemas(loadEnv(adminEnv).DATABASE_URL, base);
if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
  console.log("schema.prisma matches the migrations; nothing to write");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  writeFileSync(path.join(MIGRATIONS_DIR, "migration_lock.toml"), 'provider = "postgresql"\n');
  console.log(`wrote ${dir}`);
}
