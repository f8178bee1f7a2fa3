// Points lib/ (getDb, getServices) at this run's database before any test module imports it.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { testDatabaseUrl } from "./urls";
import { TEST_CLUSTER_SECRET } from "../helpers/processes";

process.env.DATABASE_URL = testDatabaseUrl(inject("testDb"));
process.env.ARTIFACT_DIR = inject("testArtifacts");
process.env.REDIS_URL = inject("testRedis");
// random, and long enough for production rules: a web started by a test runs with NODE_ENV=production
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
// the same secret as every process tests start (tests/helpers/processes.ts)
process.env.CLUSTER_SECRET = TEST_CLUSTER_SECRET;
process.env.LOG_LEVEL = "silent";
// notification receivers in tests are local servers (127.0.0.1); metadata addresses stay refused
process.env.NOTIFY_ALLOW_PRIVATE_NETWORKS = "1";
process.env.MAX_UPLOAD_BYTES = String(2 * 1024 * 1024);
// the Slack app's signing secret the interaction tests sign with (tests/helpers/slack.ts)
process.env.SLACK_SIGNING_SECRET = randomBytes(24).toString("hex");
