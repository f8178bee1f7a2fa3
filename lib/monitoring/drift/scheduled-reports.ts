// Scheduled drift reports. Each endpoint with a schedule has a BullMQ job scheduler of its own
// (id "drift-<endpoint id>" on the "drift-schedules" queue) whose job records and queues one report
// over the last `windowMinutes`. The sync (every JOBS_RECONCILE_MS) makes the schedulers match the
// settings in Postgres, whatever Redis lost or a settings change could not reach, queues again
// reports Redis did not take, and catches up an endpoint whose last period passed without a report.
import type { Queue } from "bullmq";
import type { Db } from "../../db/client";
import { SYSTEM_ACTOR } from "../../auth/principal";
import { AppError } from "../../errors";
import { recordAudit } from "../../audit/record-audit";
import { enqueueDriftReport } from "../../jobs/enqueue-drift-report";
import { readDriftSettings } from "./drift-settings";
import { referenceFor } from "./request-drift-report";

export const schedulerIdOf = (endpointId: string) => `drift-${endpointId}`;
const REQUEUE_AFTER_MS = 30_000;

/** The scheduled job: one report over the window that ends now, unless one was made less than half a period ago. */
export async function createScheduledReport(opts: { db: Db; redisUrl: string; endpointId: string; now?: Date }): Promise<"queued" | "unscheduled" | "recent" | "no_reference"> {
  const { db } = opts;
  const now = opts.now ?? new Date();
  const e = await db.endpoint.findUnique({ where: { id: opts.endpointId } });
  const settings = e ? await readDriftSettings(db, e.id) : null;
  if (!e || !settings?.schedule) return "unscheduled";
  const recent = await db.driftReport.findFirst({ where: { endpointId: e.id, scheduled: true, createdAt: { gt: new Date(now.getTime() - (settings.schedule.everyMinutes * 60_000) / 2) } }, select: { id: true } });
  if (recent) return "recent";
  let ref;
  try {
    ref = await referenceFor(db, e, undefined);
  } catch (err) {
    if (err instanceof AppError) return "no_reference";
    throw err;
  }
  const report = await db.$transaction(async (tx) => {
    const r = await tx.driftReport.create({
      data: { teamId: e.teamId, endpointId: e.id, from: new Date(now.getTime() - settings.schedule!.windowMinutes * 60_000), to: now, referenceModel: ref.model, referenceVersion: ref.version, scheduled: true, requestedBy: SYSTEM_ACTOR.label },
    });
    await recordAudit(tx, { teamId: e.teamId, actor: SYSTEM_ACTOR, action: "drift.request", resourceType: "drift_report", resourceId: r.id, after: { endpoint: e.name, scheduled: true, from: r.from.toISOString(), to: r.to.toISOString(), referenceVersion: ref.version } });
    return r;
  });
  await enqueueDriftReport({ redisUrl: opts.redisUrl, reportId: report.id });
  return "queued";
}

/** Makes the job schedulers match the endpoints' schedules, and queues again reports left queued. */
export async function syncDriftSchedules(opts: { db: Db; redisUrl: string; schedules: Queue; scheduledJob: { name: string; version: number }; now?: Date }) {
  const { db } = opts;
  const now = opts.now ?? new Date();
  const wanted = await db.driftSettings.findMany({ where: { scheduleEveryMinutes: { not: null }, scheduleWindowMinutes: { not: null } }, select: { endpointId: true, scheduleEveryMinutes: true } });
  // only what differs is written: this runs every few seconds
  const existing = new Map((await opts.schedules.getJobSchedulers(0, -1)).map((s) => [s.key, Number(s.every)]));
  const ids = new Set<string>();
  for (const s of wanted) {
    const id = schedulerIdOf(s.endpointId);
    const every = s.scheduleEveryMinutes! * 60_000;
    ids.add(id);
    if (existing.get(id) === every) continue;
    await opts.schedules.upsertJobScheduler(id, { every }, {
      name: opts.scheduledJob.name,
      data: { v: opts.scheduledJob.version, endpointId: s.endpointId },
      opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } },
    });
  }
  let removed = 0;
  for (const key of existing.keys()) if (key && !ids.has(key) && (await opts.schedules.removeJobScheduler(key))) removed++;
  // A scheduler's run that found nothing to compare yet (a fresh install: the first deployment routes a
  // version a moment after the job workers start) would leave the endpoint without a report for a whole
  // period: an endpoint with no scheduled report in its last period gets one now.
  const last = await db.driftReport.groupBy({ by: ["endpointId"], where: { scheduled: true, endpointId: { in: wanted.map((s) => s.endpointId) } }, _max: { createdAt: true } });
  const lastAt = new Map(last.map((r) => [r.endpointId, r._max.createdAt?.getTime() ?? 0]));
  let caughtUp = 0;
  for (const s of wanted) {
    if ((lastAt.get(s.endpointId) ?? 0) > now.getTime() - s.scheduleEveryMinutes! * 60_000) continue;
    if ((await createScheduledReport({ db, redisUrl: opts.redisUrl, endpointId: s.endpointId, now })) === "queued") caughtUp++;
  }
  const stuck = await db.driftReport.findMany({ where: { status: "queued", createdAt: { lt: new Date(now.getTime() - REQUEUE_AFTER_MS) } }, select: { id: true }, take: 100 });
  let requeued = 0;
  for (const r of stuck) if (await enqueueDriftReport({ redisUrl: opts.redisUrl, reportId: r.id })) requeued++;
  return { schedules: ids.size, removed, requeued, caughtUp };
}
