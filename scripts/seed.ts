import { loadEnv } from "../lib/env/parse-env";
import { startEnv } from "../lib/env/start-env";
import { createDb } from "../lib/db/client";
import { LocalArtifactStore } from "../lib/storage/artifact-store";
import { seedDemo } from "../lib/seed/seed-demo";
import { closeDeploymentsQueue } from "../lib/jobs/enqueue-deployment";

const env = loadEnv(startEnv);
const db = createDb(env.DATABASE_URL);
const seeded = await seedDemo({ db, store: new LocalArtifactStore(env.ARTIFACT_DIR), adminEmail: env.SEED_ADMIN_EMAIL, adminPassword: env.SEED_ADMIN_PASSWORD, approverEmail: env.SEED_APPROVER_EMAIL, approverPassword: env.SEED_APPROVER_PASSWORD, redisUrl: env.REDIS_URL, log: console.log });
await closeDeploymentsQueue();
await db.$disconnect();
if (seeded.initialPassword) console.log(`admin ${seeded.admin}: first password ${seeded.initialPassword} (shown this once; it must be changed at the first sign-in)`);
if (seeded.approverInitialPassword) console.log(`approver ${seeded.approver}: first password ${seeded.approverInitialPassword} (shown this once; it must be changed at the first sign-in)`);
console.log("seed done");
