import { loadConfig, type Config } from "./config";
import { getDb, type Db } from "./db/client";
import { LocalArtifactStore, type ArtifactStore } from "./storage/artifact-store";
import { createRedis } from "./redis";
import type { Redis } from "ioredis";

export type Services = { db: Db; store: ArtifactStore; config: Config; redis: Redis };

let cached: Services | null = null;

/** The web process's clients, built once from the environment. */
export function getServices(): Services {
  if (!cached) {
    const config = loadConfig();
    cached = { db: getDb(), store: new LocalArtifactStore(config.artifactDir), config, redis: createRedis(config.redisUrl) };
  }
  return cached;
}
