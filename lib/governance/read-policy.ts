import type { Db, Prisma } from "../db/client";
import { readJson } from "../db/json";
import type { Environment } from "../serving/shared/environments";
import { DEFAULT_RULES, policyRulesSchema, type PolicyRules } from "./policy-rules";

export type Policy = { environment: Environment; rules: PolicyRules; revision: number; updatedBy: string | null; updatedAt: string | null };

/** The team's policy for an environment, or the defaults (revision 0) when none was set. */
export async function readPolicy(db: Pick<Db, "releasePolicy"> | Prisma.TransactionClient, teamId: string, environment: Environment): Promise<Policy> {
  const row = await db.releasePolicy.findUnique({ where: { teamId_environment: { teamId, environment } } });
  if (!row) return { environment, rules: DEFAULT_RULES, revision: 0, updatedBy: null, updatedAt: null };
  return { environment, rules: readJson(policyRulesSchema, row.rules, "policy rules"), revision: row.revision, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() };
}

/** Holds the team's policy for an environment still until the transaction ends (a policy change waits). */
export async function lockPolicy(tx: Prisma.TransactionClient, teamId: string, environment: Environment): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`policy:${teamId}:${environment}`}))`;
}
