// Checks that Postgres and Redis answer before anything starts, and says how to start what is missing.
import pg from "pg";
import { Redis } from "ioredis";

export async function checkPostgres(databaseUrl: string): Promise<string | null> {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (err) {
    return `Postgres does not answer at ${url.host} (${(err as Error).message}).`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkRedis(redisUrl: string): Promise<string | null> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return `Redis does not answer at ${redisUrl} (${(err as Error).message}).`;
  } finally {
    redis.disconnect();
  }
}

export const HOW_TO_START = `Start them with one of:
  docker compose -f docker-compose.stores.yml up -d      # then DATABASE_URL=postgresql://postgres:switchyard@127.0.0.1:5432/switchyard
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start    # Debian
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
or point DATABASE_URL / REDIS_URL at running servers.`;

import net from "node:net";

/** Null when the port is free, else a message naming what wants it. */
export function checkPort(port: number, what: string): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(`port ${port} (${what}) is already in use; stop what holds it or set the port variable (README, configuration).`));
    s.listen(port, () => s.close(() => resolve(null)));
  });
}
