// What served an endpoint, and when, worked out from its deployments alone (no database here).
// A routing changes only where the runner writes one (lib/serving/control/deployments/run-deployment.ts):
// when a shift step or the switch step is done (each canary step serves the mix that canaryRouting
// gives), and when a failed or rolled-back deployment restores its `fromRouting` as it finishes.
import { canaryRouting, type Step } from "../deployments/plan";
import type { Routing } from "../../shared/routing";

export type DeploymentFacts = {
  id: string;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  fromRouting: Routing;
  toRouting: Routing;
  steps: Step[];
};

/**
 * - `initial`: what served before the first recorded deployment changed anything (no deployment put it there)
 * - `canary_step`: a canary's mix at one shift step (`percent` on the new variants)
 * - `switch`: the deployment's target routing, in full
 * - `restore`: the routing from before a deployment that failed or rolled back after it had shifted traffic
 */
export type PeriodChange = "initial" | "canary_step" | "switch" | "restore";

export type RoutingPeriod = {
  /** stable across calls: `initial`, `<deployment id>.<step index>` or `<deployment id>.restore` */
  key: string;
  routing: Routing;
  from: Date;
  /** null: serving now */
  until: Date | null;
  change: PeriodChange;
  percent: number | null;
  deploymentId: string | null;
};

/** A routing that answers requests; an endpoint with none serves nothing (shadows only get copies). */
const serves = (r: Routing) => r.variants.some((v) => v.role !== "shadow" && v.weight > 0);

/**
 * Every routing the endpoint served, oldest first, each from when to when. `live` is the endpoint's
 * routing now: with no deployment that changed anything, it is what has served since `createdAt`.
 * Periods in which nothing served (an empty routing) end the one before and are left out.
 */
export function routingPeriods(opts: { createdAt: Date; live: Routing; deployments: DeploymentFacts[] }): RoutingPeriod[] {
  // one deployment at a time holds an endpoint, so start order is the order of their changes
  const ordered = [...opts.deployments]
    .filter((d) => d.status !== "pending")
    .sort((a, b) => time(a.startedAt ?? a.createdAt) - time(b.startedAt ?? b.createdAt) || time(a.createdAt) - time(b.createdAt) || a.id.localeCompare(b.id));
  const periods: RoutingPeriod[] = [];
  const open = (p: Omit<RoutingPeriod, "until">) => {
    const last = periods[periods.length - 1];
    if (last && last.until === null) last.until = p.from;
    periods.push({ ...p, until: null });
  };

  const changes = ordered.map((d) => ({ d, writes: routingWrites(d) })).filter((c) => c.writes.length);
  const before = changes.length ? changes[0].d.fromRouting : opts.live;
  open({ key: "initial", routing: before, from: opts.createdAt, change: "initial", percent: null, deploymentId: null });

  for (const { d, writes } of changes) {
    for (const w of writes) open({ ...w, deploymentId: d.id });
    if ((d.status === "failed" || d.status === "rolled_back") && d.finishedAt) {
      open({ key: `${d.id}.restore`, routing: d.fromRouting, from: d.finishedAt, change: "restore", percent: null, deploymentId: d.id });
    }
  }
  return periods.filter((p) => serves(p.routing));
}

/** The routings a deployment wrote, in order: one per shift or switch step that is done. */
type Write = Omit<RoutingPeriod, "until" | "deploymentId">;
function routingWrites(d: DeploymentFacts): Write[] {
  const fallback = d.finishedAt ?? d.startedAt ?? d.createdAt;
  return d.steps.flatMap((s, i): Write[] => {
    if (s.status !== "done") return [];
    const from = s.finishedAt ? new Date(s.finishedAt) : fallback;
    if (s.kind === "shift" && s.percent !== undefined) return [{ key: `${d.id}.${i}`, routing: canaryRouting(d.fromRouting, d.toRouting, s.percent), from, change: "canary_step", percent: s.percent }];
    if (s.kind === "switch") return [{ key: `${d.id}.${i}`, routing: d.toRouting, from, change: "switch", percent: null }];
    return [];
  });
}

const time = (d: Date) => d.getTime();

/** The period that served at `at` (from ≤ at < until), or null when nothing served then. */
export function periodAt(periods: RoutingPeriod[], at: Date): RoutingPeriod | null {
  return periods.find((p) => time(p.from) <= time(at) && (p.until === null || time(at) < time(p.until))) ?? null;
}
