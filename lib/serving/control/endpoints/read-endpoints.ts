import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import { notFound } from "../../../errors";
import { listWorkers, type WorkerInfo } from "../../shared/worker-registry";
import { listGateways, type GatewayInfo } from "../../shared/gateway-registry";
import { toDeploymentView, toEndpointView } from "./views";
import { metricSeries } from "../metrics/metric-series";
import { timeWindow, type MetricRange } from "../metrics/time-window";
import { compareShadows } from "../metrics/shadow-comparison";

/** Workers whose heartbeats verify: a forged one never shows as a ready replica. */
async function workersOrNone(redis: Redis, clusterSecret: string): Promise<WorkerInfo[]> {
  return listWorkers(redis, { secret: clusterSecret }).catch(() => []);
}

/** Gateways whose heartbeats verify: they hold the inline variants. */
async function gatewaysOrNone(redis: Redis, clusterSecret: string): Promise<GatewayInfo[]> {
  return listGateways(redis, { secret: clusterSecret }).catch(() => []);
}

export async function listEndpoints(opts: { db: Db; redis: Redis; clusterSecret: string; teamId: string }) {
  const [rows, workers, gateways] = await Promise.all([
    opts.db.endpoint.findMany({ where: { teamId: opts.teamId }, orderBy: { name: "asc" }, include: { deployments: { orderBy: { createdAt: "desc" }, take: 1 } } }),
    workersOrNone(opts.redis, opts.clusterSecret),
    gatewaysOrNone(opts.redis, opts.clusterSecret),
  ]);
  return rows.map((e) => toEndpointView(e, workers, e.deployments[0] ? toDeploymentView(e.deployments[0]) : null, gateways));
}

export async function findEndpoint(db: Db, teamId: string, name: string) {
  const e = await db.endpoint.findFirst({ where: { teamId, name } });
  if (!e) throw notFound(`endpoint "${name}"`);
  return e;
}

export async function getEndpoint(opts: { db: Db; redis: Redis; clusterSecret: string; teamId: string; name: string }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const [deployments, workers, gateways] = await Promise.all([
    opts.db.deployment.findMany({ where: { endpointId: e.id }, orderBy: { createdAt: "desc" }, take: 20, include: { promotion: { select: { id: true } } } }),
    workersOrNone(opts.redis, opts.clusterSecret),
    gatewaysOrNone(opts.redis, opts.clusterSecret),
  ]);
  return { ...toEndpointView(e, workers, deployments[0] ? toDeploymentView(deployments[0]) : null, gateways), deployments: deployments.map(toDeploymentView) };
}

export async function getDeployment(opts: { db: Db; teamId: string; id: string }) {
  const d = await opts.db.deployment.findFirst({ where: { id: opts.id, endpoint: { teamId: opts.teamId } }, include: { endpoint: { select: { name: true } }, promotion: { select: { id: true } } } });
  if (!d) throw notFound(`deployment "${opts.id}"`);
  return toDeploymentView(d);
}

/**
 * Per-variant totals over a time window and a continuous series for charts (metric-series.ts): `range`
 * (15m, 1h, 24h, 7d) or, as before, `minutes`; the resolution is fitted to the window.
 */
export async function endpointMetrics(opts: { db: Db; teamId: string; name: string; range?: MetricRange; minutes?: number; now?: Date }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const window = timeWindow({ range: opts.range, minutes: opts.minutes, now: opts.now });
  const [figures, shadows] = await Promise.all([
    metricSeries({ db: opts.db, endpointId: e.id, window }),
    compareShadows({ db: opts.db, endpointId: e.id, since: window.start }),
  ]);
  return { endpoint: e.name, ...figures, shadows };
}

/** The environment of a deployment's endpoint (what the policy asks about it), or null when the team has no such deployment. */
export async function deploymentEnvironment(opts: { db: Db; teamId: string; id: string }) {
  const d = await opts.db.deployment.findFirst({ where: { id: opts.id, endpoint: { teamId: opts.teamId } }, select: { endpoint: { select: { environment: true } } } });
  return d?.endpoint.environment ?? null;
}
