// Configuration is read from the environment once, here, and passed down.
// Every variable is listed in the README's configuration table.
export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return {
    databaseUrl: env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/switchyard",
    redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379",
    // relative paths are relative to the working directory of the process
    artifactDir: env.ARTIFACT_DIR ?? ".data/artifacts",
    maxUploadBytes: Number(env.MAX_UPLOAD_BYTES ?? 256 * 1024 * 1024),
    authSecret: env.NEXTAUTH_SECRET ?? "switchyard-dev-secret-change-me",
    rateLimitPerMinute: Number(env.API_RATE_LIMIT_PER_MINUTE ?? 1200),
    adminEmail: env.SEED_ADMIN_EMAIL ?? "admin@switchyard.local",
    adminPassword: env.SEED_ADMIN_PASSWORD ?? "switchyard-admin",
    logLevel: env.LOG_LEVEL ?? "info",
  };
}
