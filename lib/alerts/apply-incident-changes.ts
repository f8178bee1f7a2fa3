// Writes one evaluation cycle's incident changes in one transaction, a statement per kind of change
// whatever their number (a cycle where hundreds of rules fire at once is a handful of round trips,
// not a transaction each):
//   opened     INSERT … ON CONFLICT DO NOTHING RETURNING (AlertIncident.openFor is unique: a rule
//              that another cycle opened meanwhile is skipped)
//   promoted   UPDATE … WHERE state = 'pending' RETURNING (pending long enough → firing)
//   announced  UPDATE … WHERE state = 'firing' AND NOT notifiedFiring RETURNING (a silence ended)
//   resolved   UPDATE … WHERE state = 'firing' RETURNING; pending ones that stopped holding: DELETE
//   ongoing    UPDATE of the last and peak values
// then the notifications of exactly the rows those statements returned, as outbox rows in the same
// transaction (emitEvents). Every statement is conditional on the state the cycle read, and the
// cycles' writes take one advisory lock, so cycles that run at once (or again after a crash) apply in
// turn: the second finds nothing left to change and sends nothing.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { emitEvents, type EventToEmit } from "../notifications/emit-events";
import type { AlertRuleFacts, IncidentFacts } from "./alert-event";
import { alertEventData, alertEventId } from "./alert-event";

/** pg_advisory_xact_lock key of the evaluator's writes (any constant no other code takes). */
const WRITE_LOCK = 7_311_004_101;

export type RuleOfChange = AlertRuleFacts & { teamId: string };
export type OpenIncident = IncidentFacts & { state: "pending" | "firing" | "resolved"; notifiedFiring: boolean };

export type IncidentChanges = {
  open: { rule: RuleOfChange; value: number; fireNow: boolean; silenced: boolean }[];
  promote: { rule: RuleOfChange; incident: OpenIncident; value: number; peak: number; silenced: boolean }[];
  announce: { rule: RuleOfChange; incident: OpenIncident; value: number; peak: number }[];
  resolve: { rule: RuleOfChange; incident: OpenIncident; value: number | null }[];
  drop: { incident: OpenIncident }[];
  ongoing: { id: string; value: number | null; peak: number | null }[];
};

export type AppliedCounts = { pending: number; fired: number; resolved: number; dropped: number; deliveries: string[] };

/** Rows as RETURNING gives them (raw: enum as text). */
type Returned = { id: string; ruleId: string; state: string; dedupKey: string; startedAt: Date; firingAt: Date | null; resolvedAt: Date | null; valueAtFire: number | null; valueAtResolve: number | null; peakValue: number | null; notifiedFiring: boolean; notifiedResolved: boolean };
const RETURNING = `RETURNING i.id, i."ruleId", i.state::text AS state, i."dedupKey", i."startedAt", i."firingAt", i."resolvedAt", i."valueAtFire", i."valueAtResolve", i."peakValue", i."notifiedFiring", i."notifiedResolved"`;

export async function applyIncidentChanges(opts: { db: Db; now: Date; changes: IncidentChanges }): Promise<AppliedCounts> {
  const { db, now, changes: c } = opts;
  const counts: AppliedCounts = { pending: 0, fired: 0, resolved: 0, dropped: 0, deliveries: [] };
  const changing = c.open.length + c.promote.length + c.announce.length + c.resolve.length + c.drop.length;
  if (!changing) {
    await updateOngoing(db, c.ongoing, now);
    return counts;
  }
  const ruleOf = new Map<string, RuleOfChange>();
  for (const x of [...c.open, ...c.promote, ...c.announce, ...c.resolve]) ruleOf.set(x.rule.id, x.rule);

  counts.deliveries = await db.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM pg_advisory_xact_lock($1::bigint)`, WRITE_LOCK);
    const events: EventToEmit[] = [];
    const emit = (r: Returned, status: "firing" | "resolved") => {
      const rule = ruleOf.get(r.ruleId)!;
      events.push({ teamId: rule.teamId, type: status === "firing" ? "alert.firing" : "alert.resolved", eventId: alertEventId(r.id, status), channelIds: rule.channelIds, data: alertEventData(rule, r, status) });
    };

    if (c.open.length) {
      const created = await tx.alertIncident.createManyAndReturn({
        skipDuplicates: true, // another cycle opened it meanwhile
        data: c.open.map(({ rule, value, fireNow, silenced }) => ({
          teamId: rule.teamId, ruleId: rule.id, openFor: rule.id, state: fireNow ? "firing" as const : "pending" as const, dedupKey: randomBytes(8).toString("hex"),
          startedAt: now, firingAt: fireNow ? now : null, valueAtStart: value, valueAtFire: fireNow ? value : null, peakValue: value, lastValue: value,
          lastEvaluatedAt: now, notifiedFiring: fireNow && !silenced,
        })),
      });
      for (const i of created) {
        counts[i.state === "firing" ? "fired" : "pending"]++;
        if (i.notifiedFiring) emit(i, "firing");
      }
    }
    if (c.promote.length) {
      const moved = await tx.$queryRawUnsafe<Returned[]>(
        `UPDATE "AlertIncident" i SET state = 'firing', "firingAt" = $5, "valueAtFire" = u.v, "peakValue" = u.p, "lastValue" = u.v, "lastEvaluatedAt" = $5, "notifiedFiring" = u.notify
         FROM unnest($1::text[], $2::float8[], $3::float8[], $4::bool[]) AS u(id, v, p, notify)
         WHERE i.id = u.id AND i.state = 'pending' ${RETURNING}`,
        c.promote.map((x) => x.incident.id), c.promote.map((x) => x.value), c.promote.map((x) => x.peak), c.promote.map((x) => !x.silenced), now,
      );
      counts.fired += moved.length;
      for (const i of moved) if (i.notifiedFiring) emit(i, "firing");
    }
    if (c.announce.length) {
      // fired under a silence that has ended, still firing: announce it now
      const marked = await tx.$queryRawUnsafe<Returned[]>(
        `UPDATE "AlertIncident" i SET "notifiedFiring" = true, "peakValue" = u.p, "lastValue" = u.v, "lastEvaluatedAt" = $4
         FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(id, v, p)
         WHERE i.id = u.id AND i.state = 'firing' AND NOT i."notifiedFiring" ${RETURNING}`,
        c.announce.map((x) => x.incident.id), c.announce.map((x) => x.value), c.announce.map((x) => x.peak), now,
      );
      for (const i of marked) emit(i, "firing");
    }
    if (c.resolve.length) {
      // a resolve goes out only where a firing did (a silenced incident resolves quietly)
      const done = await tx.$queryRawUnsafe<Returned[]>(
        `UPDATE "AlertIncident" i SET state = 'resolved', "openFor" = NULL, "resolvedAt" = $3, "valueAtResolve" = u.v, "lastValue" = u.v, "lastEvaluatedAt" = $3, "notifiedResolved" = i."notifiedFiring"
         FROM unnest($1::text[], $2::float8[]) AS u(id, v)
         WHERE i.id = u.id AND i.state = 'firing' ${RETURNING}`,
        c.resolve.map((x) => x.incident.id), c.resolve.map((x) => x.value), now,
      );
      counts.resolved += done.length;
      for (const i of done) if (i.notifiedResolved) emit(i, "resolved");
    }
    if (c.drop.length) {
      // pending and no longer holding: nothing was announced, nothing to take back
      counts.dropped = await tx.$executeRawUnsafe(`DELETE FROM "AlertIncident" WHERE id = ANY($1::text[]) AND state = 'pending'`, c.drop.map((x) => x.incident.id));
    }
    await updateOngoing(tx, c.ongoing, now);
    return emitEvents(tx, { events, now });
  }, { maxWait: 10_000, timeout: 60_000 }); // a cycle waits its turn behind another's writes
  return counts;
}

/** Last and peak values of incidents that stay as they are, all in one UPDATE. */
async function updateOngoing(db: Pick<Db, "$executeRawUnsafe">, ongoing: IncidentChanges["ongoing"], now: Date) {
  if (!ongoing.length) return;
  await db.$executeRawUnsafe(
    `UPDATE "AlertIncident" i SET "lastValue" = u.v, "peakValue" = u.p, "lastEvaluatedAt" = $4
     FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(id, v, p)
     WHERE i.id = u.id AND i."openFor" IS NOT NULL`,
    ongoing.map((s) => s.id), ongoing.map((s) => s.value), ongoing.map((s) => s.peak), now,
  );
}
