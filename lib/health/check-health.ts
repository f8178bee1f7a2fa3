import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import { pingRedis } from "../redis";
import { APP_VERSION } from "../version";

export async function checkHealth(opts: { db: Db; redis: Redis }) {
  const [db, redis] = await Promise.all([
    opts.db.$queryRaw`SELECT 1`.then(() => "ok" as const, () => "down" as const),
    pingRedis(opts.redis).then((ok) => (ok ? ("ok" as const) : ("down" as const))),
  ]);
  return { status: db === "ok" && redis === "ok" ? ("ok" as const) : ("degraded" as const), db, redis, version: APP_VERSION };
}
