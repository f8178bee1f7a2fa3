import { applyMigrations } from "../lib/db/migrate";
import { ensureDatabase } from "../lib/db/ensure-database";
import { loadConfig } from "../lib/config";

const { databaseUrl } = loadConfig();
await ensureDatabase(databaseUrl);
const applied = await applyMigrations(databaseUrl);
console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
