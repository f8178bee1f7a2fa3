// The job workers' Prometheus metrics: ingest (records written, dead letters, backlog), the BullMQ
// queues, and the drift share of each endpoint's last drift report.
import client from "prom-client";
import type { Queue } from "bullmq";
import { createRegistry } from "../prometheus/create-registry";
import type { IngestBacklog } from "../serving/data/prediction-log/read-ingest-backlog";

export type JobsMetrics = ReturnType<typeof createJobsMetrics>;

/** A counter that follows a running total kept elsewhere (it only ever adds the difference). */
function followingCounter(registry: client.Registry, name: string, help: string, read: () => number) {
  let seen = 0;
  return new client.Counter({
    name, help, registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

export function createJobsMetrics(opts: {
  queues: () => Queue[];
  ingested: () => number;
  deadLettered: () => number;
  deadLetterLength: () => Promise<number>;
  ingestBacklog: () => Promise<IngestBacklog>;
  /** each endpoint's last finished drift report's share (read from Postgres at scrape time) */
  driftShares?: () => Promise<{ endpoint: string; share: number }[]>;
}) {
  const registry = createRegistry();
  followingCounter(registry, "switchyard_predictions_ingested_total", "prediction records this process wrote to Postgres", opts.ingested);
  followingCounter(registry, "switchyard_predictions_dead_lettered_total", "prediction records this process sent to the dead-letter stream (Postgres refused them, or they were not records)", opts.deadLettered);
  new client.Gauge({
    name: "switchyard_predictions_dead_letter_stream_length", help: "records in the dead-letter stream (all job workers; trimmed to about 10,000)", registers: [registry],
    async collect() { this.set(await opts.deadLetterLength().catch(() => Number.NaN)); },
  });

  // A scrape collects every metric at once: one read serves both backlog gauges. The stream is shared, so
  // every job worker reports the same backlog.
  let backlog: Promise<IngestBacklog | null> | null = null;
  const readBacklog = () => (backlog ??= opts.ingestBacklog().catch(() => null).finally(() => (backlog = null)));
  new client.Gauge({
    name: "switchyard_ingest_backlog_entries", help: "prediction stream entries (up to 64 records each) the ingest consumers have not written to Postgres yet, all job workers together", registers: [registry],
    async collect() { this.set((await readBacklog())?.entries ?? Number.NaN); },
  });
  new client.Gauge({
    name: "switchyard_ingest_lag_seconds", help: "age of the oldest prediction stream entry not yet written to Postgres (0 when ingest has caught up)", registers: [registry],
    async collect() { this.set((await readBacklog())?.oldestSeconds ?? Number.NaN); },
  });

  new client.Gauge({
    name: "switchyard_jobs", help: "jobs in each BullMQ queue, by state (all job workers share the queues)", labelNames: ["queue", "state"], registers: [registry],
    async collect() {
      const counts = await Promise.all(opts.queues().map((q) => q.getJobCounts("waiting", "active", "delayed", "failed").then((c) => [q.name, c] as const, () => null)));
      for (const entry of counts) {
        if (!entry) continue;
        for (const [state, n] of Object.entries(entry[1])) this.set({ queue: entry[0], state }, n);
      }
    },
  });

  return {
    registry,
    /**
     * Share of drifted columns in each endpoint's last drift report (0–1); no series for an endpoint
     * without a finished report.
     */
    driftShare: new client.Gauge({
      name: "switchyard_drift_share", help: "share of drifted columns in the endpoint's last drift report (dataset drift at 0.5 or more)", labelNames: ["endpoint"], registers: [registry],
      // from Postgres, not from this process's memory: every job worker reports the same, current value
      async collect() {
        if (!opts.driftShares) return;
        const shares = await opts.driftShares().catch(() => null);
        if (!shares) return;
        this.reset();
        for (const s of shares) this.set({ endpoint: s.endpoint }, s.share);
      },
    }),
  };
}
