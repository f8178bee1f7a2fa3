// The demo endpoint's alert rules: an error-rate rule, and a drift-share rule that reads the drift
// report the seed schedules hourly. Seeded once: an endpoint that has rules is left as it is.
import type { Db } from "../db/client";
import type { Principal } from "../auth/principal";
import { createAlertRule } from "../alerts/create-alert-rule";

export async function seedAlerts(db: Db, principal: Principal, endpointName: string, log: (m: string) => void) {
  const e = await db.endpoint.findFirst({ where: { teamId: principal.teamId, name: endpointName }, select: { id: true } });
  if (!e || (await db.alertRule.count({ where: { endpointId: e.id } }))) return;
  await createAlertRule({ db, principal, endpointName, input: { name: "Error rate above 5%", metric: "error_rate", operator: ">", threshold: 0.05, windowSeconds: 300, forSeconds: 60, severity: "critical" } });
  await createAlertRule({ db, principal, endpointName, input: { name: "Inputs drifted", metric: "drift_share", operator: ">=", threshold: 0.5, windowSeconds: 86_400, severity: "warning" } });
  log(`created alert rules on ${endpointName}: error rate > 5% for 1 min, drift share ≥ 0.5`);
}
