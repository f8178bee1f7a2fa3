// The governance part of the demo: a production endpoint serving v1, the production release policy
// (one approval, four-eyes, canary, an AUC gate the seeded v2 passes) and a person with the approver
// role, so a new user can request a promotion as the admin and approve it as the approver.
// Idempotent: what exists (an admin's edited policy included) is left as it is.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import type { Principal } from "../auth/principal";
import { hashPassword } from "../auth/password";
import { createEndpoint } from "../serving/control/endpoints/create-endpoint";
import { requestTraffic } from "../serving/control/endpoints/request-traffic";
import { policyRulesSchema } from "../governance/policy-rules";
import { updatePolicy } from "../governance/update-policy";

export const DEMO_PROD_ENDPOINT = "credit-risk-prod";

/**
 * v1 (logistic regression) has AUC ≈ 0.777 and v2 (MLP) ≈ 0.780 on the held-out rows, so v2 passes
 * with room to spare; a version clearly worse than the champion is blocked.
 */
export const DEMO_PRODUCTION_RULES = policyRulesSchema.parse({
  requiredApprovals: 1,
  fourEyes: true,
  approverRole: "approver",
  requiredStrategy: "canary",
  gates: { metrics: ["auc >= champion - 0.01"], signature: true },
});

/** The approver is created once: with `password` as given (automation), otherwise with a random one returned to be shown once. */
export async function seedApprover(db: Db, teamId: string, opts: { email: string; password?: string; log: (m: string) => void }) {
  const email = opts.email.toLowerCase();
  let user = await db.user.findUnique({ where: { email } });
  let initialPassword: string | undefined;
  if (!user) {
    const password = opts.password ?? (initialPassword = randomBytes(12).toString("base64url"));
    user = await db.user.create({ data: { email, name: "Approver", passwordHash: await hashPassword(password), mustChangePassword: !opts.password } });
    opts.log(`created approver ${email}`);
  }
  await db.membership.upsert({ where: { teamId_userId: { teamId, userId: user.id } }, create: { teamId, userId: user.id, role: "approver" }, update: {} });
  return { email, initialPassword };
}

/** The production policy (once) and `credit-risk-prod` serving v1, deployed directly: bootstrapping, audited as the system. */
export async function seedProduction(db: Db, redisUrl: string, principal: Principal, model: string, log: (m: string) => void) {
  if (!(await db.releasePolicy.findUnique({ where: { teamId_environment: { teamId: principal.teamId, environment: "production" } } }))) {
    await updatePolicy({ db, principal, environment: "production", rules: DEMO_PRODUCTION_RULES });
    log("set the production release policy (1 approval, four-eyes, canary, auc >= champion - 0.01)");
  }
  if (await db.endpoint.findUnique({ where: { name: DEMO_PROD_ENDPOINT } })) return;
  await createEndpoint({ db, principal, name: DEMO_PROD_ENDPOINT, environment: "production", description: "Demo: production scoring; changes go through a promotion" });
  // its first routing, as the system: the one production change that is no promotion
  await requestTraffic({
    db, redisUrl, principal, endpointName: DEMO_PROD_ENDPOINT, bootstrap: true,
    request: { model, strategy: "immediate", variants: [{ version: 1, weight: 100, role: "primary", device: "cpu", replicas: 1 }] },
  });
  log(`created production endpoint ${DEMO_PROD_ENDPOINT} (v1 100%)`);
}
