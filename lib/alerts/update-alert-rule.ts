import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { recordAudit } from "../audit/record-audit";
import { queueDeliveries } from "../notifications/queue-deliveries";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { checkRuleInput, type RuleInput } from "./check-rule-input";
import { auditedRule, toRuleView } from "./alert-views";
import { findAlertRule } from "./find-alert-rule";
import { resolveIncident } from "./resolve-incident";

/**
 * Replaces a rule's definition (PUT). An open incident carries on under the new definition; disabling
 * the rule resolves it (its resolve is sent where its firing was), since nothing would evaluate it again.
 */
export async function updateAlertRule(opts: { db: Db; redisUrl: string; principal: Principal; endpointName: string; id: string; input: RuleInput; now?: Date }) {
  const { db, principal } = opts;
  const now = opts.now ?? new Date();
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "alert.manage", { environment: e.environment });
  const before = await findAlertRule(db, { teamId: principal.teamId, endpointId: e.id, id: opts.id });
  const data = await checkRuleInput(db, { teamId: principal.teamId, endpoint: e, input: opts.input });
  const { rule, open, deliveries } = await db.$transaction(async (tx) => {
    const r = await tx.alertRule.update({ where: { id: before.id }, data });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "alert.update", resourceType: "alert_rule", resourceId: r.id, before: { ...auditedRule(before), endpoint: e.name }, after: { ...auditedRule(r), endpoint: e.name } });
    let open = await tx.alertIncident.findUnique({ where: { openFor: r.id } });
    let deliveries: string[] = [];
    if (open && !r.enabled) {
      deliveries = await resolveIncident(tx, { teamId: principal.teamId, rule: { ...r, endpoint: e }, incident: open, value: open.lastValue, now });
      open = null;
    }
    return { rule: r, open, deliveries };
  });
  await queueDeliveries({ redisUrl: opts.redisUrl, ids: deliveries });
  return toRuleView(rule, e.name, open, now);
}
