import { getDb, type Db } from "./db/client";
import { parseEnv } from "./env/parse-env";
import { webEnv, type WebEnv } from "./env/web-env";
import { LocalArtifactStore, type ArtifactStore } from "./storage/artifact-store";
import { createRedis } from "./redis";
import type { Redis } from "ioredis";

/** The web's settings, from its validated environment (lib/env/web-env.ts). */
export type Config = ReturnType<typeof webConfig>;

export function webConfig(env: WebEnv) {
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    // relative paths are relative to the working directory of the process
    artifactDir: env.ARTIFACT_DIR,
    maxUploadBytes: env.MAX_UPLOAD_BYTES,
    maxJsonBytes: env.API_MAX_JSON_BYTES,
    modelLimits: {
      maxNodes: env.MODEL_MAX_NODES,
      maxDeclaredElements: env.MODEL_MAX_DECLARED_ELEMENTS,
      maxInitializerElements: env.MODEL_MAX_INITIALIZER_ELEMENTS,
      timeoutMs: env.MODEL_VALIDATION_TIMEOUT_MS,
      maxMemoryMb: env.MODEL_VALIDATION_MAX_MEMORY_MB,
      concurrency: env.MODEL_VALIDATION_CONCURRENCY,
      queue: env.MODEL_VALIDATION_QUEUE,
    },
    maxReferenceBytes: env.MAX_REFERENCE_BYTES,
    inlineMaxModelMb: env.INLINE_MAX_MODEL_MB,
    referenceLimits: {
      timeoutMs: env.REFERENCE_CHECK_TIMEOUT_MS,
      maxMemoryMb: env.REFERENCE_CHECK_MAX_MEMORY_MB,
      concurrency: env.MODEL_VALIDATION_CONCURRENCY,
      queue: env.MODEL_VALIDATION_QUEUE,
    },
    authSecret: env.NEXTAUTH_SECRET,
    oidc: env.oidc,
    rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    logLevel: env.LOG_LEVEL,
    gatewayPublicUrl: env.GATEWAY_PUBLIC_URL,
    /** the app's public URL (NEXTAUTH_URL); cookie-authenticated writes must come from its origin */
    appUrl: env.NEXTAUTH_URL,
    production: env.production,
    metricsToken: env.METRICS_TOKEN,
    /** a reverse proxy in front sets X-Forwarded-For (sign-in failures are counted per address too) */
    trustProxy: env.TRUST_PROXY,
    clusterSecret: env.CLUSTER_SECRET,
    /** outbound notifications: what the web needs to check channel URLs and send channel tests */
    notify: { secretKey: env.NEXTAUTH_SECRET, allowPrivateNetworks: env.NOTIFY_ALLOW_PRIVATE_NETWORKS, backoffBaseMs: env.NOTIFY_BACKOFF_BASE_MS, appUrl: env.NEXTAUTH_URL ?? "http://localhost:3000" },
    /** Slack approvals: off (503) without a signing secret; message updates go to this origin only */
    slack: { signingSecret: env.SLACK_SIGNING_SECRET, responseUrlOrigin: env.SLACK_RESPONSE_URL_ORIGIN },
  };
}

export type Services = { db: Db; store: ArtifactStore; config: Config; redis: Redis };

let cached: Services | null = null;

/** The web process's clients, built once from its environment (webEnv). */
export function getServices(): Services {
  if (!cached) {
    const config = webConfig(parseEnv(webEnv));
    cached = { db: getDb(), store: new LocalArtifactStore(config.artifactDir), config, redis: createRedis(config.redisUrl) };
  }
  return cached;
}
