// The demo endpoint's scheduled drift report: every hour over the last 24 hours, against the primary
// version's reference data (the seed's trainer stores its training rows as each version's reference).
// Seeded once: an endpoint whose drift settings someone has set (a schedule turned off included) keeps them.
import type { Db } from "../db/client";
import type { Principal } from "../auth/principal";
import { updateDriftSettings } from "../monitoring/drift/update-drift-settings";

export const DEMO_DRIFT_SCHEDULE = { everyMinutes: 60, windowMinutes: 24 * 60 } as const;

export async function seedDriftSchedule(db: Db, principal: Principal, endpointName: string, log: (m: string) => void) {
  const e = await db.endpoint.findFirst({ where: { teamId: principal.teamId, name: endpointName }, select: { id: true } });
  if (!e || (await db.driftSettings.findUnique({ where: { endpointId: e.id }, select: { endpointId: true } }))) return;
  // the endpoint's first deployment runs in the job workers, after the seed: until it has, a scheduled run finds nothing routed and waits for the next
  await updateDriftSettings({ db, principal, endpointName, schedule: { ...DEMO_DRIFT_SCHEDULE }, checkReference: false });
  log(`scheduled a drift report on ${endpointName}: every hour over the last 24 h`);
}
