// A throwaway Postgres database for a benchmark: created and migrated here, dropped by drop().
import pg from "pg";
import { applyMigrations } from "../../../lib/db/migrate";

export type ScratchDatabase = { name: string; url: string; drop: () => Promise<void> };

export async function scratchDatabase(prefix: string, pgBase = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432"): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/g, "_");
  const admin = new pg.Client(`${pgBase}/postgres`);
  await admin.connect();
  const drop = async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    await applyMigrations(`${pgBase}/${name}`);
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
  return { name, url: `${pgBase}/${name}`, drop };
}
