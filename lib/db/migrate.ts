// Applies prisma/migrations with Prisma's schema engine compiled to WebAssembly, because
// the native engine cannot be downloaded on offline machines. Same `_prisma_migrations`
// table and directory layout as `prisma migrate deploy`, so either can be used.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const SCHEMA_PATH = path.join(ROOT, "prisma/schema.prisma");
export const MIGRATIONS_DIR = path.join(ROOT, "prisma/migrations");

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout?: string }>;
  free(): void;
};

let wasmReady: Promise<{ SchemaEngine: { new: (o: unknown, cb: unknown, a: unknown) => Promise<Engine> } }> | null = null;

async function loadWasm() {
  // The package entry imports a .wasm module, which Node 20 refuses: instantiate it by hand.
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
  const bg = await import(path.join(pkgDir, "schema_engine_bg.js"));
  const bytes = readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
  const mod = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(mod, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
  return bg;
}

/**
 * adapter-pg's executeScript cuts a migration at every ";", even one in a comment or in a function
 * body, and runs the pieces one by one. The native engine (`prisma migrate deploy`) sends the whole
 * script in one simple query, which Postgres runs as one implicit transaction: do the same, so a
 * migration applies all or nothing and may hold a PL/pgSQL function (the audit trigger).
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const pool = adapter.underlyingDriver();
    const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
    adapter.executeScript = async (script: string) => {
      await pool.query(script).catch(onError);
    };
    return adapter;
  }
}

async function openEngine(databaseUrl: string): Promise<Engine> {
  wasmReady ??= loadWasm();
  const { SchemaEngine } = await wasmReady;
  const schema = readFileSync(SCHEMA_PATH, "utf8");
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg({ connectionString: databaseUrl }));
  return SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, adapter);
}

export function migrationsList() {
  const dirs = existsSync(MIGRATIONS_DIR)
    ? readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: readIfExists(path.join(MIGRATIONS_DIR, "migration_lock.toml")) },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8") } },
    })),
  };
}

function readIfExists(p: string): string | null {
  return existsSync(p) ? readFileSync(p, "utf8") : null;
}

// Tables managed by hand-written SQL (partitioned), which schema.prisma does not describe.
export const EXTERNAL_TABLES = ["public.PredictionLog", "public.PredictionBlock"];
const NO_FILTER = { externalTables: EXTERNAL_TABLES, externalEnums: [] };

/**
 * Applies pending migrations, then chains audit events that are not chained yet (those written
 * before the audit chain existed: a one-time backfill the append-only trigger allows, computed in
 * TypeScript); returns the names applied (empty when up to date).
 */
export async function applyMigrations(databaseUrl: string, opts: { log?: (message: string) => void } = {}): Promise<string[]> {
  const engine = await openEngine(databaseUrl);
  let applied: string[];
  try {
    applied = (await engine.applyMigrations({ migrationsList: migrationsList(), filters: NO_FILTER })).appliedMigrationNames;
  } finally {
    engine.free();
  }
  // loaded only here: readers of migrationsList() (the admin CLI's database check) need no Prisma client
  const [{ createDb }, { backfillAuditChain }] = await Promise.all([import("./client"), import("../audit/backfill-chain")]);
  const db = createDb(databaseUrl);
  try {
    const chained = await backfillAuditChain(db);
    if (chained) opts.log?.(`chained ${chained} audit events written before the audit chain`);
  } finally {
    await db.$disconnect();
  }
  return applied;
}

/**
 * SQL that takes a database from schema `fromText` to schema.prisma. Pure datamodel diff: no
 * shadow database needed (the wasm engine cannot describe one through the pg adapter).
 */
export async function diffSchemas(databaseUrl: string, fromText: string | null): Promise<string> {
  const engine = await openEngine(databaseUrl);
  try {
    const schema = readFileSync(SCHEMA_PATH, "utf8");
    const out = await engine.diff({
      from: fromText ? { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: fromText }] } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return out.stdout ?? "";
  } finally {
    engine.free();
  }
}
