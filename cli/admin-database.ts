// Which database the admin commands use, said without its password, and whether it is there and migrated.
import pg from "pg";
import { migrationsList } from "../lib/db/migrate";

/** `user@host:port/database` from a DATABASE_URL; never the password. */
export function describeDatabase(databaseUrl: string): string {
  let u: URL;
  try {
    u = new URL(databaseUrl);
  } catch {
    return "DATABASE_URL (not a URL)";
  }
  const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
  const host = u.host || u.searchParams.get("host") || "localhost";
  const name = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default database)";
  return `${user}${host}/${name}`;
}

export class DatabaseUnavailable extends Error {}

const reasonOf = (err: unknown): string => {
  const e = err as Error & { code?: string; errors?: Error[] };
  // A host name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError and no message.
  return e.message || e.errors?.map((x) => x.message).join("; ") || e.code || String(err);
};

/** Throws DatabaseUnavailable with what to do when the database cannot be reached, does not exist or is not migrated. */
export async function checkDatabase(databaseUrl: string): Promise<void> {
  const where = describeDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on("error", () => {}); // a connection dropped later is reported by the query that needed it
  try {
    await client.connect();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "3D000") throw new DatabaseUnavailable(`database ${where} does not exist; create and migrate it with \`npm run migrate\` (it uses the same DATABASE_URL)`);
    if (code === "28P01" || code === "28000") throw new DatabaseUnavailable(`database ${where} refused the credentials in DATABASE_URL: ${reasonOf(err)}`);
    throw new DatabaseUnavailable(`cannot reach the database ${where}: ${reasonOf(err)}. Is Postgres running, and is DATABASE_URL the one the web app uses?`);
  }
  try {
    const applied = await client
      .query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
      .then((r) => new Set(r.rows.map((row) => row.migration_name)))
      .catch((err: { code?: string }) => {
        if (err.code === "42P01") return null;
        throw err;
      });
    if (!applied) throw new DatabaseUnavailable(`database ${where} has no Switchyard tables (not migrated); run \`npm run migrate\` with the same DATABASE_URL`);
    const pending = migrationsList().migrationDirectories.map((d) => d.path).filter((name) => !applied.has(name));
    if (pending.length) throw new DatabaseUnavailable(`database ${where} is not fully migrated (${pending.length} pending: ${pending.join(", ")}); run \`npm run migrate\` with the same DATABASE_URL`);
  } catch (err) {
    if (err instanceof DatabaseUnavailable) throw err;
    throw new DatabaseUnavailable(`cannot read the database ${where}: ${reasonOf(err)}`);
  } finally {
    await client.end().catch(() => {});
  }
}
