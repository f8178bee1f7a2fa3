// The queue contract: queue names and one versioned payload schema per job. Producers and
// processors import from here only, so a payload change is a version bump in one place.
import { z } from "zod";

export const QUEUE_NAMES = { deployments: "deployments" } as const;

export const runDeploymentJob = {
  queue: QUEUE_NAMES.deployments,
  name: "run-deployment",
  version: 1,
  schema: z.object({ v: z.literal(1), deploymentId: z.string().regex(/^[a-z0-9]+$/) }),
} as const;
export type RunDeploymentPayload = z.infer<typeof runDeploymentJob.schema>;

/** BullMQ wants ioredis connections without a per-command retry limit. */
export function bullConnection(redisUrl: string) {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password || undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}
