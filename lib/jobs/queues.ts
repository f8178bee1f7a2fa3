// BullMQ connections. Queue names, payload schemas and versions live in the job definitions
// (lib/jobs/definitions/), which producers and workers/jobs/main.ts both import.

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
