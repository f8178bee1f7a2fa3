const PG_BASE = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
export const ADMIN_URL = `${PG_BASE}/postgres`;
export const testDatabaseUrl = (name: string) => `${PG_BASE}/${name}`;
