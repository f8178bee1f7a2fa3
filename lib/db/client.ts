import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { databaseEnv } from "../env/base-env";
import { parseEnv } from "../env/parse-env";

export type Db = PrismaClient;
export type { Prisma } from "../generated/prisma/client";

/** `max`: the pool's connections (a gateway process needs 2; the web and job workers, 10). */
export function createDb(databaseUrl: string, opts: { max?: number } = {}): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: opts.max ?? 10 }) });
}

// One client per process, kept on globalThis so Next's dev reloads don't open a pool each time.
declare global {
  var switchyardDb: Db | undefined;
}

/** The process-wide client; tests and scripts pass their own to the lib functions instead. */
export function getDb(): Db {
  globalThis.switchyardDb ??= createDb(parseEnv(databaseEnv).DATABASE_URL);
  return globalThis.switchyardDb;
}
