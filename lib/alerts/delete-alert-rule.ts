import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { recordAudit } from "../audit/record-audit";
import { queueDeliveries } from "../notifications/queue-deliveries";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { auditedRule } from "./alert-views";
import { findAlertRule } from "./find-alert-rule";
import { resolveIncident } from "./resolve-incident";

/** Deletes a rule and its incidents; a firing incident is resolved first, so no page stays open. */
export async function deleteAlertRule(opts: { db: Db; redisUrl: string; principal: Principal; endpointName: string; id: string; now?: Date }) {
  const { db, principal } = opts;
  const now = opts.now ?? new Date();
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "alert.manage", { environment: e.environment });
  const rule = await findAlertRule(db, { teamId: principal.teamId, endpointId: e.id, id: opts.id });
  const deliveries = await db.$transaction(async (tx) => {
    const open = await tx.alertIncident.findUnique({ where: { openFor: rule.id } });
    // the outbox rows outlive the rule: they were written before it went
    const ids = open ? await resolveIncident(tx, { teamId: principal.teamId, rule: { ...rule, endpoint: e }, incident: open, value: open.lastValue, now }) : [];
    await tx.alertRule.delete({ where: { id: rule.id } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "alert.delete", resourceType: "alert_rule", resourceId: rule.id, before: { ...auditedRule(rule), endpoint: e.name } });
    return ids;
  });
  await queueDeliveries({ redisUrl: opts.redisUrl, ids: deliveries });
}
