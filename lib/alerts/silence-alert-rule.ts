import type { Db } from "../db/client";
import { actorOf, type Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { findEndpoint } from "../serving/control/endpoints/read-endpoints";
import { auditedRule, toRuleView } from "./alert-views";
import { findAlertRule } from "./find-alert-rule";

/**
 * Mutes a rule until `until` (with a reason), or lifts its silence (`until` null). Like an
 * Alertmanager silence: the rule is still evaluated and its incidents recorded; nothing is sent
 * while it lasts (lib/alerts/evaluate-alert-rules.ts says what happens when it ends).
 */
export async function silenceAlertRule(opts: { db: Db; principal: Principal; endpointName: string; id: string; until: Date | null; reason?: string; now?: Date }) {
  const { db, principal } = opts;
  const now = opts.now ?? new Date();
  const e = await findEndpoint(db, principal.teamId, opts.endpointName);
  ensureCan(principal, "alert.manage", { environment: e.environment });
  const before = await findAlertRule(db, { teamId: principal.teamId, endpointId: e.id, id: opts.id });
  if (opts.until && opts.until <= now) throw new AppError("bad_request", "must be in the future", { field: "until" });
  const silence = opts.until ? { silencedUntil: opts.until, silenceReason: opts.reason ?? "", silencedBy: principal.label } : { silencedUntil: null, silenceReason: null, silencedBy: null };
  const { rule, open } = await db.$transaction(async (tx) => {
    const r = await tx.alertRule.update({ where: { id: before.id }, data: silence });
    await recordAudit(tx, { teamId: principal.teamId, actor: actorOf(principal), action: opts.until ? "alert.silence" : "alert.unsilence", resourceType: "alert_rule", resourceId: r.id, before: { ...auditedRule(before), endpoint: e.name }, after: { ...auditedRule(r), endpoint: e.name } });
    return { rule: r, open: await tx.alertIncident.findUnique({ where: { openFor: r.id } }) };
  });
  return toRuleView(rule, e.name, open, now);
}
