// One evaluation cycle of every enabled alert rule (the alerts job runs it every JOBS_ALERTS_MS).
//
// Reads: every metric reader once, with all of its rules (lib/alerts/readers/metric-readers.ts).
// Then per rule, against its open incident (at most one: AlertIncident.openFor is unique):
//   condition holds, no open incident   → a pending incident (firing at once when `for` is 0)
//   holds, pending for at least `for`   → firing: the firing notification
//   holds, firing                       → peak and last value updated (all such rules in one UPDATE)
//   stops holding (or no data)          → a pending incident is dropped, a firing one resolved
// Silences mute notifications, not evaluation: a silenced rule's incidents are recorded; one that
// fires under a silence is announced when the silence ends if it is still firing, and resolves
// quietly otherwise. A resolve is sent only for an incident whose firing was sent.
//
// Idempotent and restart-safe: the cycle's changes are written together in one transaction, each
// statement conditional on the state it was read in (or an insert on the unique openFor), with their
// notifications written in it (the delivery outbox), so a repeated, concurrent or crashed-and-retried
// cycle never fires or resolves an incident twice (lib/alerts/apply-incident-changes.ts).
import type { Db } from "../db/client";
import { queueDeliveries } from "../notifications/queue-deliveries";
import { conditionHolds, worse, type AlertMetric, type Operator } from "./alert-metrics";
import { applyIncidentChanges, type IncidentChanges } from "./apply-incident-changes";
import { METRIC_READERS } from "./readers/metric-readers";
import type { MetricReader, RuleTarget } from "./readers/reader";

export type EvaluationCounts = { rules: number; pending: number; fired: number; resolved: number; dropped: number; notified: number; readMs: number; writeMs: number; totalMs: number; readerMs: Record<string, number> };

export async function evaluateAlertRules(opts: { db: Db; redisUrl: string; now?: Date; readers?: Record<AlertMetric, MetricReader> }): Promise<EvaluationCounts> {
  const { db } = opts;
  const started = performance.now();
  const now = opts.now ?? new Date();
  const readers = opts.readers ?? METRIC_READERS;
  const counts: EvaluationCounts = { rules: 0, pending: 0, fired: 0, resolved: 0, dropped: 0, notified: 0, readMs: 0, writeMs: 0, totalMs: 0, readerMs: {} };

  const [rules, open] = await Promise.all([
    db.alertRule.findMany({ where: { enabled: true }, include: { endpoint: { select: { name: true, environment: true } } } }),
    db.alertIncident.findMany({ where: { openFor: { not: null } } }),
  ]);
  counts.rules = rules.length;
  if (!rules.length) return { ...counts, totalMs: performance.now() - started };
  const openOf = new Map(open.map((i) => [i.ruleId, i]));

  // each reader once, with all of its rules
  const byReader = new Map<MetricReader, RuleTarget[]>();
  for (const r of rules) {
    const reader = readers[r.metric as AlertMetric];
    if (!reader) continue; // a metric this build does not know: no data
    const list = byReader.get(reader) ?? [];
    list.push({ id: r.id, endpointId: r.endpointId, metric: r.metric as AlertMetric, variant: r.variant, feature: r.feature, windowSeconds: r.windowSeconds });
    byReader.set(reader, list);
  }
  const values = new Map<string, number | null>();
  await Promise.all([...byReader].map(async ([reader, targets]) => {
    const t = performance.now();
    for (const [id, v] of await reader.read({ db, now, rules: targets })) values.set(id, v);
    counts.readerMs[reader.name] = Math.round(performance.now() - t);
  }));
  counts.readMs = performance.now() - started;

  const changes: IncidentChanges = { open: [], promote: [], announce: [], resolve: [], drop: [], ongoing: [] };
  for (const r of rules) {
    const value = values.get(r.id) ?? null;
    const op = r.operator as Operator;
    const holds = conditionHolds(value, op, r.threshold);
    const silenced = !!r.silencedUntil && r.silencedUntil > now;
    const incident = openOf.get(r.id);

    if (!incident) {
      if (holds) changes.open.push({ rule: r, value: value!, fireNow: r.forSeconds === 0, silenced });
    } else if (!holds) {
      if (incident.state === "pending") changes.drop.push({ incident });
      else if (incident.state === "firing") changes.resolve.push({ rule: r, incident, value });
    } else {
      const peak = incident.peakValue === null ? value! : worse(op, incident.peakValue, value!);
      if (incident.state === "pending" && now.getTime() - incident.startedAt.getTime() >= r.forSeconds * 1000) changes.promote.push({ rule: r, incident, value: value!, peak, silenced });
      else if (incident.state === "firing" && !incident.notifiedFiring && !silenced) changes.announce.push({ rule: r, incident, value: value!, peak });
      else changes.ongoing.push({ id: incident.id, value, peak });
    }
  }
  const applied = await applyIncidentChanges({ db, now, changes });
  const deliveries = applied.deliveries;
  Object.assign(counts, { pending: applied.pending, fired: applied.fired, resolved: applied.resolved, dropped: applied.dropped });
  counts.writeMs = performance.now() - started - counts.readMs;
  counts.notified = deliveries.length;
  // after commit; a Redis that does not answer leaves them pending for the notifications reconciler
  await queueDeliveries({ redisUrl: opts.redisUrl, ids: deliveries });
  counts.totalMs = performance.now() - started;
  return counts;
}
