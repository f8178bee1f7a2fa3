import type { Db } from "../../db/client";
import { actorOf, type Principal } from "../../auth/principal";
import { ensureCan } from "../../auth/policy";
import { recordAudit } from "../../audit/record-audit";
import { findEndpoint } from "../../serving/control/endpoints/read-endpoints";
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholdsInput } from "./index";
import { parseThresholds } from "./parse-thresholds";
import { readDriftSettings, settingsView, type DriftSchedule } from "./drift-settings";
import { referenceFor } from "./request-drift-report";

/**
 * Sets an endpoint's thresholds (what is not given takes Evidently's default) and its schedule
 * (null: no scheduled reports). The job workers pick a schedule change up within JOBS_RECONCILE_MS.
 */
export async function updateDriftSettings(opts: {
  db: Db; principal: Principal; endpointName: string; thresholds?: DriftThresholdsInput; schedule?: DriftSchedule | null;
  /** false: schedule even though nothing routes yet (the seed, before its first deployment has run); scheduled runs wait for reference data */
  checkReference?: boolean;
}) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "drift.manage", { environment: e.environment });
  const before = await readDriftSettings(db, e.id);
  const thresholds = opts.thresholds === undefined ? before.thresholds : parseThresholds({ ...DEFAULT_DRIFT_THRESHOLDS, ...opts.thresholds }, "thresholds");
  const schedule = opts.schedule === undefined ? before.schedule : opts.schedule;
  // a schedule whose reports could not run is refused now, not discovered in an empty report list later
  if (schedule && !before.schedule && opts.checkReference !== false) await referenceFor(db, e, undefined);
  await db.$transaction(async (tx) => {
    const data = { thresholds, scheduleEveryMinutes: schedule?.everyMinutes ?? null, scheduleWindowMinutes: schedule?.windowMinutes ?? null, updatedBy: principal.label };
    await tx.driftSettings.upsert({ where: { endpointId: e.id }, create: { endpointId: e.id, teamId: principal.teamId, ...data }, update: data });
    await recordAudit(tx, {
      teamId: principal.teamId, actor: actorOf(principal), action: "drift.settings", resourceType: "endpoint", resourceId: e.id,
      before: { thresholds: before.thresholds, schedule: before.schedule }, after: { endpoint: e.name, thresholds, schedule },
    });
  });
  return settingsView(e.name, await readDriftSettings(db, e.id));
}
