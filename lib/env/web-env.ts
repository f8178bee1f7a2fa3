// The web app (Next.js): pages and the REST API. lib/services.ts builds the web's clients from it;
// instrumentation.ts parses it when the server starts, so a bad value stops `next start` at once.
import { baseFields } from "./base-env";
import { GATEWAY_PORT, INLINE_MAX_MODEL_MB } from "./gateway-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { flag, text, url, wholeNumber } from "./schema-helpers";
import { authSecretFields, authSecretOf } from "./auth-secret";
import { CLUSTER_SECRET, clusterSecretOf } from "./cluster-secret";
import { notifyFields } from "./notify-env";

/** next-auth reads it itself; listed here so that a bad value stops the web at start. */
export const NEXTAUTH_URL = url({ protocols: ["http", "https"], default: undefined, docDefault: "`http://localhost:${PORT}`", description: "public URL of the web app (next-auth, and the links in notifications the job workers send); `npm start` sets it from `PORT`" });

export const webEnv = defineEnv(
  "web",
  {
    DATABASE_URL: baseFields.DATABASE_URL,
    REDIS_URL: baseFields.REDIS_URL,
    LOG_LEVEL: baseFields.LOG_LEVEL,
    ARTIFACT_DIR: baseFields.ARTIFACT_DIR,
    MAX_UPLOAD_BYTES: wholeNumber({ min: 1, unit: "bytes", default: 256 * 1024 * 1024, docDefault: "`268435456` (256 MiB)", description: "larger uploads get 413" }),
    API_MAX_JSON_BYTES: wholeNumber({ min: 1, unit: "bytes", default: 1024 * 1024, docDefault: "`1048576` (1 MiB)", description: "larger JSON request bodies of the REST API get 413 (counted while reading)" }),
    NEXTAUTH_URL,
    ...authSecretFields,
    OIDC_ISSUER: url({ protocols: ["https", "http"], default: undefined, description: "with `OIDC_CLIENT_ID` and `OIDC_CLIENT_SECRET`, turns on single sign-on; people sign in by email match with an existing member" }),
    OIDC_CLIENT_ID: text({ default: undefined, description: "single sign-on client id" }),
    OIDC_CLIENT_SECRET: text({ secret: true, default: undefined, description: "single sign-on client secret" }),
    OIDC_NAME: text({ default: "Single sign-on", description: "the sign-in button's name for single sign-on" }),
    API_RATE_LIMIT_PER_MINUTE: wholeNumber({ min: 0, unit: "requests", default: 1200, description: "requests per API token per minute; more get 429 with `Retry-After` (0 turns it off; lets requests through when Redis is down)" }),
    MODEL_MAX_NODES: wholeNumber({ min: 1, unit: "nodes", default: 50_000, description: "uploads whose graph (subgraphs included) has more nodes get 422" }),
    MODEL_MAX_DECLARED_ELEMENTS: wholeNumber({ min: 1, unit: "values", default: 4_194_304, description: "uploads declaring an input, output or intermediate tensor with more values (dynamic dimensions count as 1) get 422, e.g. an input `[1, 34000000]`" }),
    MODEL_MAX_INITIALIZER_ELEMENTS: wholeNumber({ min: 1, unit: "values", default: 67_108_864, description: "uploads with an initializer or constant tensor of more values get 422" }),
    MODEL_VALIDATION_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 10_000, description: "an upload is loaded in a separate validation process; one that takes longer gets 422" }),
    MODEL_VALIDATION_MAX_MEMORY_MB: wholeNumber({ min: 64, unit: "MiB", default: 1024, description: "resident memory of that validation process (checked every 25 ms, and its JS heap capped); an upload that needs more gets 422" }),
    MODEL_VALIDATION_CONCURRENCY: wholeNumber({ min: 1, unit: "processes", default: 2, description: "validation processes one web process runs at once; further uploads wait for one" }),
    MODEL_VALIDATION_QUEUE: wholeNumber({ min: 0, unit: "uploads", default: 16, description: "uploads waiting for a validation process; more get 503 with `Retry-After`" }),
    INLINE_MAX_MODEL_MB,
    MAX_REFERENCE_BYTES: wholeNumber({ min: 1, unit: "bytes", default: 512 * 1024 * 1024, docDefault: "`536870912` (512 MiB)", description: "a version's reference data (the `reference` part of a push); larger gets 413. Up to 100,000 rows are kept, a seeded sample beyond; the check reads about 9 MB of CSV per CPU-second, so keep `REFERENCE_CHECK_TIMEOUT_MS` in step" }),
    REFERENCE_CHECK_TIMEOUT_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 120_000, description: "reference data is parsed and checked against the model's inputs in a separate process; one that takes longer gets 422" }),
    REFERENCE_CHECK_MAX_MEMORY_MB: wholeNumber({ min: 64, unit: "MiB", default: 1024, description: "resident memory of that process (checked every 25 ms, and its JS heap capped); reference data that needs more gets 422. Checks share `MODEL_VALIDATION_CONCURRENCY` and `MODEL_VALIDATION_QUEUE`'s numbers" }),
    GATEWAY_PORT,
    GATEWAY_PUBLIC_URL: url({ protocols: ["http", "https"], default: undefined, docDefault: "`http://localhost:${GATEWAY_PORT}`", description: "gateway URL shown in the UI" }),
    TRUST_PROXY: flag({ default: false, description: "`1` when the web runs behind a reverse proxy that appends the client's address to `X-Forwarded-For`: sign-in failures are then also counted per client address (without one, a client could choose its address, so only the account counts)" }),
    METRICS_TOKEN: text({ secret: true, default: undefined, description: "bearer token the web's `/metrics` requires (`Authorization: Bearer …`); in production `/metrics` answers 403 until it is set" }),
    NEXT_PHASE: text({ default: undefined, description: "set by Next.js: `phase-production-build` while `next build` runs, which leaves the production checks to `next start`" }),
    CLUSTER_SECRET,
    ...notifyFields,
    SLACK_SIGNING_SECRET: text({ secret: true, default: undefined, description: "the Slack app's signing secret (Basic Information → App Credentials); turns on Approve / Reject buttons in Slack (`POST /api/v1/integrations/slack/interactions`), which answers 503 while it is unset" }),
    SLACK_RESPONSE_URL_ORIGIN: url({ protocols: ["https", "http"], default: "https://hooks.slack.com", description: "the only origin the web posts Slack message updates to (a click's `response_url`); any other host in a payload is ignored. Tests point it at a local server" }),
  },
  (v, problem) => {
    const oidcSet = [v.OIDC_ISSUER, v.OIDC_CLIENT_ID, v.OIDC_CLIENT_SECRET].filter(Boolean).length;
    if (oidcSet > 0 && oidcSet < 3) {
      const missing = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((k) => !v[k]);
      problem(`${missing.join(", ")}: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (set the missing ones, or unset all three)`);
    }
    // `next build` loads route modules (and so this schema) with NODE_ENV=production; the secrets are checked when `next start` runs
    const runtimeEnv = v.NEXT_PHASE === "phase-production-build" ? undefined : v.NODE_ENV;
    return {
      ...v,
      NEXTAUTH_SECRET: authSecretOf({ NODE_ENV: runtimeEnv, NEXTAUTH_SECRET: v.NEXTAUTH_SECRET }, problem),
      production: v.NODE_ENV === "production",
      GATEWAY_PUBLIC_URL: v.GATEWAY_PUBLIC_URL ?? `http://localhost:${v.GATEWAY_PORT}`,
      CLUSTER_SECRET: clusterSecretOf(v.CLUSTER_SECRET, runtimeEnv, problem),
      SLACK_RESPONSE_URL_ORIGIN: new URL(v.SLACK_RESPONSE_URL_ORIGIN).origin,
      oidc: v.OIDC_ISSUER && v.OIDC_CLIENT_ID && v.OIDC_CLIENT_SECRET ? { issuer: v.OIDC_ISSUER, clientId: v.OIDC_CLIENT_ID, clientSecret: v.OIDC_CLIENT_SECRET, name: v.OIDC_NAME } : null,
    };
  },
);
export type WebEnv = EnvOf<typeof webEnv>;
