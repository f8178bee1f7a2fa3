import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { allowed } from "@/lib/auth/policy";
import { readPolicy } from "@/lib/governance/read-policy";
import { ENVIRONMENTS } from "@/lib/serving/shared/environments";
import { A, PageHeader } from "@/components/ui";
import { PolicyForm } from "@/components/policy-form";

export default async function PoliciesPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const me = await requireMember(team, "policy.read");
  const { db } = getServices();
  const policies = await Promise.all(ENVIRONMENTS.map((env) => readPolicy(db, me.teamId, env)));
  const canManage = allowed(me, "policy.manage");
  return (
    <>
      <PageHeader
        title="Release policies"
        subtitle={<>What a promotion into each environment needs: approvals, checks and the rollout strategy. Saving a policy makes open promotions checked against the old one stale. <A href={`/t/${team}/promotions`}>Promotions</A></>}
      />
      {!canManage && <p className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-600">Read only: admins change release policies.</p>}
      <div className="grid gap-6 lg:grid-cols-2">
        {policies.map((p) => <PolicyForm key={p.environment} team={team} policy={p} canManage={canManage} />)}
      </div>
    </>
  );
}
