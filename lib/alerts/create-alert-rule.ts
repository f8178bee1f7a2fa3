import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { recordAudit } from "../audit/record-audit";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { checkRuleInput, type RuleInput } from "./check-rule-input";
import { auditedRule, toRuleView } from "./alert-views";

/** Creates a rule on one endpoint; the job workers evaluate it from the next cycle. */
export async function createAlertRule(opts: { db: Db; principal: Principal; endpointName: string; input: RuleInput }) {
  const { db, principal } = opts;
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "alert.manage", { environment: e.environment });
  const data = await checkRuleInput(db, { teamId: principal.teamId, endpoint: e, input: opts.input });
  const rule = await db.$transaction(async (tx) => {
    const r = await tx.alertRule.create({ data: { ...data, teamId: principal.teamId, endpointId: e.id, createdBy: principal.label } });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: "alert.create", resourceType: "alert_rule", resourceId: r.id, after: { ...auditedRule(r), endpoint: e.name } });
    return r;
  });
  return toRuleView(rule, e.name, null);
}
