// CLUSTER_SECRET: the shared secret with which inference workers sign their heartbeats and the
// gateway, the job workers and the web check them, and with which every call to a worker is signed
// (lib/serving/shared/cluster-auth.ts). Production (NODE_ENV=production) refuses it missing, short
// or equal to the development value; elsewhere that value is the default.
import { text } from "./schema-helpers";

export const DEV_CLUSTER_SECRET = "switchyard-dev-cluster-secret-change-me";
export const MIN_CLUSTER_SECRET_BYTES = 32;

export const CLUSTER_SECRET = text({
  secret: true,
  default: undefined,
  docDefault: "a development value (`npm start` makes a random one per start)",
  description: `**set in production** (${MIN_CLUSTER_SECRET_BYTES}+ bytes, the same in every web, gateway, inference and job process): signs inference workers' heartbeats and every call to a worker`,
});

/** The secret to use, or a problem (production with a missing, short or development secret). */
export function clusterSecretOf(value: string | undefined, nodeEnv: string | undefined, problem: (message: string) => void): string {
  if (nodeEnv !== "production") return value ?? DEV_CLUSTER_SECRET;
  const why = value === undefined ? "is not set" : value === DEV_CLUSTER_SECRET ? "is the development value" : Buffer.byteLength(value) < MIN_CLUSTER_SECRET_BYTES ? `is shorter than ${MIN_CLUSTER_SECRET_BYTES} bytes` : null;
  if (why) problem(`CLUSTER_SECRET ${why}; production (NODE_ENV=production) needs a random secret of at least ${MIN_CLUSTER_SECRET_BYTES} bytes, the same in every web, gateway, inference and job process (e.g. \`openssl rand -base64 48\`)`);
  return value ?? DEV_CLUSTER_SECRET;
}
