// An endpoint's drift settings, parsed with zod on read: thresholds (Evidently's defaults for what is
// not set) and the report schedule (null: none).
import { z } from "zod";
import type { Db } from "../../db/client";
import { readJson } from "../../db/json";
import { findEndpoint } from "../../serving/control/endpoints/read-endpoints";
import { DEFAULT_DRIFT_THRESHOLDS, driftThresholdsSchema, type DriftThresholds } from "./index";

export const DRIFT_SCHEDULE_LIMITS = { minEveryMinutes: 5, maxEveryMinutes: 7 * 24 * 60, maxWindowMinutes: 31 * 24 * 60 } as const;

export const driftScheduleSchema = z.object({
  everyMinutes: z.number().int().min(DRIFT_SCHEDULE_LIMITS.minEveryMinutes).max(DRIFT_SCHEDULE_LIMITS.maxEveryMinutes).describe("a report every this many minutes"),
  windowMinutes: z.number().int().min(1).max(DRIFT_SCHEDULE_LIMITS.maxWindowMinutes).describe("each over the last this many minutes"),
});
export type DriftSchedule = z.infer<typeof driftScheduleSchema>;
export type DriftSettings = { thresholds: DriftThresholds; schedule: DriftSchedule | null; updatedBy: string | null; updatedAt: Date | null };

export async function readDriftSettings(db: Db, endpointId: string): Promise<DriftSettings> {
  const row = await db.driftSettings.findUnique({ where: { endpointId } });
  if (!row) return { thresholds: { ...DEFAULT_DRIFT_THRESHOLDS }, schedule: null, updatedBy: null, updatedAt: null };
  const schedule = row.scheduleEveryMinutes && row.scheduleWindowMinutes ? { everyMinutes: row.scheduleEveryMinutes, windowMinutes: row.scheduleWindowMinutes } : null;
  return { thresholds: readJson(driftThresholdsSchema, row.thresholds, "drift thresholds"), schedule, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
}

/** The settings as the API answers them. */
export async function readEndpointDriftSettings(opts: { db: Db; teamId: string; endpointName: string }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.endpointName);
  return settingsView(e.name, await readDriftSettings(opts.db, e.id));
}

export const settingsView = (endpoint: string, s: DriftSettings) => ({ endpoint, thresholds: s.thresholds, schedule: s.schedule, updatedBy: s.updatedBy, updatedAt: s.updatedAt?.toISOString() ?? null });
