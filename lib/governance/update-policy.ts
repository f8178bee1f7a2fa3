// Replaces a team's release policy for one environment. Every change raises the revision, which
// makes promotions checked against the old one stale.
import type { Db } from "../db/client";
import type { Principal } from "../auth/principal";
import { actorOf } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { toJson } from "../db/json";
import type { Environment } from "../serving/shared/environments";
import { KNOWN_METRICS, parseMetricGate, type PolicyRules } from "./policy-rules";
import { lockPolicy, readPolicy } from "./read-policy";

export async function updatePolicy(opts: { db: Db; principal: Principal; environment: Environment; rules: PolicyRules }) {
  const { db, principal, environment, rules } = opts;
  ensureCan(principal, "policy.manage");
  await checkMetricNames(db, principal.teamId, rules);
  return db.$transaction(async (tx) => {
    // serialises two admins saving at once (each revision is one policy), and a promotion starting against it
    await lockPolicy(tx, principal.teamId, environment);
    const before = await readPolicy(tx, principal.teamId, environment);
    const row = await tx.releasePolicy.upsert({
      where: { teamId_environment: { teamId: principal.teamId, environment } },
      create: { teamId: principal.teamId, environment, rules: toJson(rules), revision: 1, updatedBy: principal.label },
      update: { rules: toJson(rules), revision: { increment: 1 }, updatedBy: principal.label },
    });
    await recordAudit(tx, {
      teamId: principal.teamId, actor: actorOf(principal), action: "policy.update", resourceType: "policy", resourceId: row.id,
      before: { environment, revision: before.revision, rules: before.rules }, after: { environment, revision: row.revision, rules },
    });
    return readPolicy(tx, principal.teamId, environment);
  });
}

/** A gate on a metric no version of the team reports, and that is not a common one, is a typo. */
async function checkMetricNames(db: Db, teamId: string, rules: PolicyRules): Promise<void> {
  const gates = rules.gates.metrics.map((g) => parseMetricGate(g)!);
  if (!gates.length) return;
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT DISTINCT jsonb_object_keys(v.metrics) AS name FROM "ModelVersion" v JOIN "Model" m ON m.id = v."modelId"
    WHERE m."teamId" = ${teamId} AND jsonb_typeof(v.metrics) = 'object'`;
  const known = new Set<string>([...KNOWN_METRICS, ...rows.map((r) => r.name)]);
  for (const [i, g] of gates.entries()) {
    if (!known.has(g.metric)) {
      throw new AppError("bad_request", `unknown metric "${g.metric}": no version of this team reports it (names are case-sensitive); known: ${[...known].sort().slice(0, 30).join(", ")}`, { field: `gates.metrics.${i}` });
    }
  }
}
