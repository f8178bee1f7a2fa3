import { loadConfig } from "../lib/config";
import { createDb } from "../lib/db/client";
import { LocalArtifactStore } from "../lib/storage/artifact-store";
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../lib/jobs/enqueue-deployment";

const config = loadConfig();
const db = createDb(config.databaseUrl);
await seedDemo({ db, store: new LocalArtifactStore(config.artifactDir), adminEmail: config.adminEmail, adminPassword: config.adminPassword, redisUrl: config.redisUrl, log: console.log });
await closeDeploymentsQueue();
await db.$disconnect();
console.log("seed done");
