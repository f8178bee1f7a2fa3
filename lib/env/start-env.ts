// `npm start` (scripts/start.ts) and `npm run seed`: prepare the database, seed the demo, run every process.
import { baseFields } from "./base-env";
import { GATEWAY_PORT } from "./gateway-env";
import { INFERENCE_PORT } from "./inference-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { port, text } from "./schema-helpers";
import { randomBytes } from "node:crypto";
import { CLUSTER_SECRET } from "./cluster-secret";
import { NEXTAUTH_URL } from "./web-env";
import { authSecretFields } from "./auth-secret";

export const startEnv = defineEnv(
  "npm start / seed",
  {
    DATABASE_URL: baseFields.DATABASE_URL,
    REDIS_URL: baseFields.REDIS_URL,
    ARTIFACT_DIR: baseFields.ARTIFACT_DIR,
    PORT: port({ default: 3000, description: "web port for `npm start`" }),
    NEXTAUTH_URL,
    SEED_ADMIN_EMAIL: text({ default: "admin@switchyard.local", pattern: /^[^@\s]+@[^@\s]+$/, expects: "an email address", description: "the admin the seed creates on a fresh database" }),
    SEED_ADMIN_PASSWORD: text({ secret: true, default: undefined, docDefault: "random, printed once, changed at first sign-in", description: "that admin's first password, for automation (then no change is asked at first sign-in)" }),
    SEED_APPROVER_EMAIL: text({ default: "approver@switchyard.local", pattern: /^[^@\s]+@[^@\s]+$/, expects: "an email address", description: "the person with the approver role the seed creates in the demo team (approves the admin's promotions)" }),
    SEED_APPROVER_PASSWORD: text({ secret: true, default: undefined, docDefault: "random, printed once, changed at first sign-in", description: "that approver's first password, for automation (then no change is asked at first sign-in)" }),
    // unset: `npm start` generates one into .data/ and passes it to the web and the job workers
    NEXTAUTH_SECRET: authSecretFields.NEXTAUTH_SECRET,
    GATEWAY_PORT,
    INFERENCE_PORT,
    CLUSTER_SECRET,
  },
  // every process npm start runs gets the same cluster secret: the one set, or a random one per start
  (v) => ({ ...v, NEXTAUTH_URL: v.NEXTAUTH_URL ?? `http://localhost:${v.PORT}`, CLUSTER_SECRET: v.CLUSTER_SECRET ?? randomBytes(32).toString("base64url") }),
);
export type StartEnv = EnvOf<typeof startEnv>;
