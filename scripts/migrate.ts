import { applyMigrations } from "../lib/db/migrate";
import { ensureDatabase } from "../lib/db/ensure-database";
import { loadEnv } from "../lib/env/parse-env";
import { adminEnv } from "../lib/env/cli-env";

const { DATABASE_URL: databaseUrl } = loadEnv(adminEnv);
await ensureDatabase(databaseUrl);
const applied = await applyMigrations(databaseUrl, { log: console.log });
console.log(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
