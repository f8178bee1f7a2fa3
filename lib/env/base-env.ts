// Variables most processes share. Each process's schema picks the ones it reads.
import { defineEnv } from "./parse-env";
import { oneOf, text, url } from "./schema-helpers";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const baseFields = {
  DATABASE_URL: url({ protocols: ["postgresql", "postgres"], default: "postgresql://postgres@127.0.0.1:5432/switchyard", description: "Postgres; the database is created if missing" }),
  REDIS_URL: url({ protocols: ["redis", "rediss"], default: "redis://127.0.0.1:6379", description: "Redis" }),
  LOG_LEVEL: oneOf(LOG_LEVELS, { default: "info", description: "pino level for JSON logs" }),
  // relative paths are relative to the working directory of the process
  ARTIFACT_DIR: text({ default: ".data/artifacts", description: "where model files are stored (content-addressed); relative to the working directory" }),
  NODE_ENV: text({ default: undefined, description: "`production` (set by `next start` and the container image) refuses default or short secrets" }),
};

/** The process-wide Prisma client's database (lib/db/client.ts `getDb`). */
export const databaseEnv = defineEnv("database", { DATABASE_URL: baseFields.DATABASE_URL });

/** The level for loggers created without one (the web's API logger). */
export const logEnv = defineEnv("logging", { LOG_LEVEL: baseFields.LOG_LEVEL });
