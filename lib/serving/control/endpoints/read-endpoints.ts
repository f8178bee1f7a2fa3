import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import { notFound } from "../../../errors";
import { listWorkers, type WorkerInfo } from "../../shared/worker-registry";
import { toDeploymentView, toEndpointView } from "./views";
import { variantStats } from "../metrics/variant-stats";
import { compareShadows } from "../metrics/shadow-comparison";

/** Workers whose heartbeats verify: a forged one never shows as a ready replica. */
async function workersOrNone(redis: Redis, clusterSecret: string): Promise<WorkerInfo[]> {
  return listWorkers(redis, { secret: clusterSecret }).catch(() => []);
}

export async function listEndpoints(opts: { db: Db; redis: Redis; clusterSecret: string; teamId: string }) {
  const [rows, workers] = await Promise.all([
    opts.db.endpoint.findMany({ where: { teamId: opts.teamId }, orderBy: { name: "asc" }, include: { deployments: { orderBy: { createdAt: "desc" }, take: 1 } } }),
    workersOrNone(opts.redis, opts.clusterSecret),
  ]);
  return rows.map((e) => toEndpointView(e, workers, e.deployments[0] ? toDeploymentView(e.deployments[0]) : null));
}

export async function findEndpoint(db: Db, teamId: string, name: string) {
  const e = await db.endpoint.findFirst({ where: { teamId, name } });
  if (!e) throw notFound(`endpoint "${name}"`);
  return e;
}

export async function getEndpoint(opts: { db: Db; redis: Redis; clusterSecret: string; teamId: string; name: string }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const [deployments, workers] = await Promise.all([
    opts.db.deployment.findMany({ where: { endpointId: e.id }, orderBy: { createdAt: "desc" }, take: 20, include: { promotion: { select: { id: true } } } }),
    workersOrNone(opts.redis, opts.clusterSecret),
  ]);
  return { ...toEndpointView(e, workers, deployments[0] ? toDeploymentView(deployments[0]) : null), deployments: deployments.map(toDeploymentView) };
}

export async function getDeployment(opts: { db: Db; teamId: string; id: string }) {
  const d = await opts.db.deployment.findFirst({ where: { id: opts.id, endpoint: { teamId: opts.teamId } }, include: { endpoint: { select: { name: true } }, promotion: { select: { id: true } } } });
  if (!d) throw notFound(`deployment "${opts.id}"`);
  return toDeploymentView(d);
}

/** Per-variant totals over the window and a per-minute series for charts. */
export async function endpointMetrics(opts: { db: Db; teamId: string; name: string; minutes: number }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const since = new Date(Date.now() - opts.minutes * 60_000);
  const [totals, rows, shadows] = await Promise.all([
    variantStats({ db: opts.db, endpointId: e.id, since }),
    opts.db.metricRollup.findMany({ where: { endpointId: e.id, minute: { gte: since } }, orderBy: { minute: "asc" } }),
    compareShadows({ db: opts.db, endpointId: e.id, since }),
  ]);
  return {
    endpoint: e.name,
    since: since.toISOString(),
    variants: totals.map((t) => ({ ...t, requestsPerSecond: t.requests / (opts.minutes * 60) })),
    shadows,
    series: rows.map((r) => ({ minute: r.minute.toISOString(), variant: r.variant, requests: r.count, errors: r.errors, meanMs: r.count ? r.latencySumMs / r.count : null })),
  };
}

/** The environment of a deployment's endpoint (what the policy asks about it), or null when the team has no such deployment. */
export async function deploymentEnvironment(opts: { db: Db; teamId: string; id: string }) {
  const d = await opts.db.deployment.findFirst({ where: { id: opts.id, endpoint: { teamId: opts.teamId } }, select: { endpoint: { select: { environment: true } } } });
  return d?.endpoint.environment ?? null;
}
