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
// Idempotent and restart-safe: every change is one transaction conditional on the state it was read
// in (or an insert on the unique openFor), with its notifications written in it (the delivery outbox),
// so a repeated, concurrent or crashed-and-retried cycle never fires or resolves an incident twice.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { queueDeliveries } from "../notifications/queue-deliveries";
import { conditionHolds, worse, type AlertMetric, type Operator } from "./alert-metrics";
import type { AlertRuleFacts } from "./alert-event";
import { notifyIncident } from "./notify-incident";
import { resolveIncident } from "./resolve-incident";
import { METRIC_READERS } from "./readers/metric-readers";
import type { MetricReader, RuleTarget } from "./readers/reader";

/** State changes written at once: the database's pool is small and shared with the other jobs. */
const CHANGE_CONCURRENCY = 4;

export type EvaluationCounts = { rules: number; pending: number; fired: number; resolved: number; dropped: number; notified: number; readMs: number; totalMs: number; readerMs: Record<string, number> };

export async function evaluateAlertRules(opts: { db: Db; redisUrl: string; now?: Date; readers?: Record<AlertMetric, MetricReader> }): Promise<EvaluationCounts> {
  const { db } = opts;
  const started = performance.now();
  const now = opts.now ?? new Date();
  const readers = opts.readers ?? METRIC_READERS;
  const counts: EvaluationCounts = { rules: 0, pending: 0, fired: 0, resolved: 0, dropped: 0, notified: 0, readMs: 0, totalMs: 0, readerMs: {} };

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

  const deliveries: string[] = [];
  const still: { id: string; value: number | null; peak: number | null }[] = [];
  // state changes: one small transaction each, a few at once (they touch different rows)
  const changes: (() => Promise<void>)[] = [];
  for (const r of rules) {
    const value = values.get(r.id) ?? null;
    const rule = r as AlertRuleFacts & typeof r;
    const op = r.operator as Operator;
    const holds = conditionHolds(value, op, r.threshold);
    const silenced = !!r.silencedUntil && r.silencedUntil > now;
    const incident = openOf.get(r.id);

    if (!incident) {
      if (!holds) continue;
      const fireNow = r.forSeconds === 0;
      changes.push(async () => {
        try {
          const ids = await db.$transaction(async (tx) => {
            const created = await tx.alertIncident.create({
              data: {
                teamId: r.teamId, ruleId: r.id, openFor: r.id, state: fireNow ? "firing" : "pending", dedupKey: randomBytes(8).toString("hex"),
                startedAt: now, firingAt: fireNow ? now : null, valueAtStart: value, valueAtFire: fireNow ? value : null, peakValue: value, lastValue: value,
                lastEvaluatedAt: now, notifiedFiring: fireNow && !silenced,
              },
            });
            return fireNow && !silenced ? notifyIncident(tx, { teamId: r.teamId, rule, incident: created, status: "firing", now }) : [];
          });
          deliveries.push(...ids);
          counts[fireNow ? "fired" : "pending"]++;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err; // another cycle opened it meanwhile
        }
      });
      continue;
    }

    if (!holds) {
      changes.push(async () => {
        deliveries.push(...await db.$transaction((tx) => resolveIncident(tx, { teamId: r.teamId, rule, incident, value, now })));
        counts[incident.state === "firing" ? "resolved" : "dropped"]++;
      });
      continue;
    }

    const peak = incident.peakValue === null ? value : worse(op, incident.peakValue, value!);
    if (incident.state === "pending" && now.getTime() - incident.startedAt.getTime() >= r.forSeconds * 1000) {
      changes.push(async () => {
        deliveries.push(...await db.$transaction(async (tx) => {
          const moved = await tx.alertIncident.updateMany({
            where: { id: incident.id, state: "pending" },
            data: { state: "firing", firingAt: now, valueAtFire: value, peakValue: peak, lastValue: value, lastEvaluatedAt: now, notifiedFiring: !silenced },
          });
          if (moved.count) counts.fired++;
          if (!moved.count || silenced) return [];
          return notifyIncident(tx, { teamId: r.teamId, rule, incident: { ...incident, firingAt: now, valueAtFire: value, peakValue: peak }, status: "firing", now });
        }));
      });
    } else if (incident.state === "firing" && !incident.notifiedFiring && !silenced) {
      // fired under a silence that has ended, still firing: announce it now
      changes.push(async () => {
        deliveries.push(...await db.$transaction(async (tx) => {
          const marked = await tx.alertIncident.updateMany({ where: { id: incident.id, state: "firing", notifiedFiring: false }, data: { notifiedFiring: true, peakValue: peak, lastValue: value, lastEvaluatedAt: now } });
          return marked.count ? notifyIncident(tx, { teamId: r.teamId, rule, incident: { ...incident, peakValue: peak }, status: "firing", now }) : [];
        }));
      });
    } else {
      still.push({ id: incident.id, value, peak });
    }
  }
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CHANGE_CONCURRENCY, changes.length) }, async () => {
    while (next < changes.length) await changes[next++]();
  }));

  if (still.length) {
    await db.$executeRawUnsafe(
      `UPDATE "AlertIncident" i SET "lastValue" = u.v, "peakValue" = u.p, "lastEvaluatedAt" = $4
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(id, v, p)
       WHERE i.id = u.id AND i."openFor" IS NOT NULL`,
      still.map((s) => s.id), still.map((s) => s.value), still.map((s) => s.peak), now,
    );
  }
  counts.notified = deliveries.length;
  // after commit; a Redis that does not answer leaves them pending for the notifications reconciler
  await queueDeliveries({ redisUrl: opts.redisUrl, ids: deliveries });
  counts.totalMs = performance.now() - started;
  return counts;
}
