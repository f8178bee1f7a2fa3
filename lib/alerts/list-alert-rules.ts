import type { Db } from "../db/client";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { toRuleView } from "./alert-views";

/** An endpoint's rules, each with its state and open incident. */
export async function listAlertRules(opts: { db: Db; teamId: string; endpointName: string }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.endpointName);
  const rules = await opts.db.alertRule.findMany({ where: { teamId: opts.teamId, endpointId: e.id }, orderBy: { createdAt: "asc" }, include: { incidents: { where: { openFor: { not: null } }, take: 1 } } });
  return { endpoint: e.name, rules: rules.map((r) => toRuleView(r, e.name, r.incidents[0] ?? null)) };
}
