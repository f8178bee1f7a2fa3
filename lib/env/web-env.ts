// The web app (Next.js): pages and the REST API. lib/services.ts builds the web's clients from it;
// instrumentation.ts parses it when the server starts, so a bad value stops `next start` at once.
import { baseFields } from "./base-env";
import { GATEWAY_PORT } from "./gateway-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { text, url, wholeNumber } from "./schema-helpers";
import { CLUSTER_SECRET, clusterSecretOf } from "./cluster-secret";

/** next-auth reads it itself; listed here so that a bad value stops the web at start. */
export const NEXTAUTH_URL = url({ protocols: ["http", "https"], default: undefined, docDefault: "`http://localhost:${PORT}`", description: "public URL of the web app (next-auth); `npm start` sets it from `PORT`" });
export const DEV_AUTH_SECRET = "switchyard-dev-secret-change-me";

export const webEnv = defineEnv(
  "web",
  {
    DATABASE_URL: baseFields.DATABASE_URL,
    REDIS_URL: baseFields.REDIS_URL,
    LOG_LEVEL: baseFields.LOG_LEVEL,
    ARTIFACT_DIR: baseFields.ARTIFACT_DIR,
    MAX_UPLOAD_BYTES: wholeNumber({ min: 1, unit: "bytes", default: 256 * 1024 * 1024, docDefault: "`268435456` (256 MiB)", description: "larger uploads get 413" }),
    NEXTAUTH_URL,
    NEXTAUTH_SECRET: text({ secret: true, default: DEV_AUTH_SECRET, docDefault: "a development value", description: "**set in production**: signs session cookies" }),
    OIDC_ISSUER: url({ protocols: ["https", "http"], default: undefined, description: "with `OIDC_CLIENT_ID` and `OIDC_CLIENT_SECRET`, turns on single sign-on; people sign in by email match with an existing member" }),
    OIDC_CLIENT_ID: text({ default: undefined, description: "single sign-on client id" }),
    OIDC_CLIENT_SECRET: text({ secret: true, default: undefined, description: "single sign-on client secret" }),
    OIDC_NAME: text({ default: "Single sign-on", description: "the sign-in button's name for single sign-on" }),
    API_RATE_LIMIT_PER_MINUTE: wholeNumber({ min: 0, unit: "requests", default: 1200, description: "requests per API token per minute; more get 429 with `Retry-After` (0 turns it off; lets requests through when Redis is down)" }),
    GATEWAY_PORT,
    GATEWAY_PUBLIC_URL: url({ protocols: ["http", "https"], default: undefined, docDefault: "`http://localhost:${GATEWAY_PORT}`", description: "gateway URL shown in the UI" }),
    NODE_ENV: baseFields.NODE_ENV,
    NEXT_PHASE: text({ default: undefined, description: "set by Next.js: `phase-production-build` while `next build` runs, which leaves the production checks to `next start`" }),
    CLUSTER_SECRET,
  },
  (v, problem) => {
    const oidcSet = [v.OIDC_ISSUER, v.OIDC_CLIENT_ID, v.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidcSet > 0 && oidcSet < 3) {
      const missing = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((k) => !v[k]);
      problem(`${missing.join(", ")}: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (set the missing ones, or unset all three)`);
    }
    return {
      ...v,
      GATEWAY_PUBLIC_URL: v.GATEWAY_PUBLIC_URL ?? `http://localhost:${v.GATEWAY_PORT}`,
      // `next build` loads route modules (and so this schema) with NODE_ENV=production; the secrets are checked when `next start` runs
      CLUSTER_SECRET: clusterSecretOf(v.CLUSTER_SECRET, v.NEXT_PHASE === "phase-production-build" ? undefined : v.NODE_ENV, problem),
      oidc: v.OIDC_ISSUER && v.OIDC_CLIENT_ID && v.OIDC_CLIENT_SECRET ? { issuer: v.OIDC_ISSUER, clientId: v.OIDC_CLIENT_ID, clientSecret: v.OIDC_CLIENT_SECRET, name: v.OIDC_NAME } : null,
    };
  },
);
export type WebEnv = EnvOf<typeof webEnv>;
