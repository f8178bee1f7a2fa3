"use client";
// The endpoint's recent deployments, each with "Roll back to this": a traffic change back to the split
// that deployment put in place (immediate) on staging, or a promotion on production, which the
// release policy gates (its required strategy applies when the rollback brings a version back).
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { apiFetch } from "@/lib/web/api-fetch";
import { revertRequest } from "@/lib/web/revert-request";
import type { ResponseOf } from "@/lib/api/contract";
import type { getEndpoint } from "@/lib/api/contracts/endpoints";
import type { getPolicy } from "@/lib/api/contracts/promotions";
import { Card, ErrorBox, TableWrap, td, th, when } from "./ui";
import { StatusBadge } from "./status-badge";

type Endpoint = ResponseOf<typeof getEndpoint>;
type Deployment = Endpoint["deployments"][number];

const shares = (vs: { name: string; weight: number; role: string }[]) => vs.map((v) => `${v.name}${v.role === "shadow" ? " (shadow)" : ` ${v.weight}%`}`).join(", ");

/** `canRollBack` comes from the page (lib/auth/policy.ts's traffic.change). */
export function DeploymentList({ team, ep, canRollBack, busy }: { team: string; ep: Endpoint; canRollBack: boolean; busy: boolean }) {
  const router = useRouter();
  const production = ep.environment === "production";
  const policy = useQuery({
    queryKey: ["policy", team, "production"],
    queryFn: () => apiFetch<ResponseOf<typeof getPolicy>>(team, "/api/v1/policies/production"),
    enabled: canRollBack && production,
  });
  const live = shares(ep.variants);
  const rollBack = useMutation({
    mutationFn: (d: Deployment) => {
      const req = revertRequest({
        endpoint: ep.name, environment: ep.environment, routing: { sticky: d.toSticky, variants: d.to }, servedFrom: d.finishedAt ?? d.createdAt,
        live: ep.variants, requiredStrategy: policy.data?.rules.requiredStrategy ?? null, routingVersion: ep.routingVersion,
      });
      return apiFetch<{ id: string }>(team, req.path, { method: req.method, body: { ...req.body, reason: `roll back to deployment ${d.id} (${when(d.finishedAt ?? d.createdAt)})` } });
    },
    // a production rollback is a promotion waiting for approval; a staging one is a deployment
    onSuccess: (r) => router.push(production ? `/t/${team}/promotions/${r.id}` : `/t/${team}/deployments/${r.id}`),
  });
  const offered = (d: Deployment) => canRollBack && d.status === "succeeded" && shares(d.to) !== live;
  const onRollBack = (d: Deployment) => {
    const how = production ? "This opens a promotion that the release policy gates." : "This changes the traffic at once.";
    if (confirm(`Roll ${ep.name} back to ${shares(d.to)}? ${how}`)) rollBack.mutate(d);
  };

  return (
    <Card title="Deployments">
      {rollBack.error && <div className="mb-3"><ErrorBox message={`Could not roll back: ${rollBack.error.message}`} /></div>}
      {ep.deployments.length === 0 ? <p className="text-sm text-slate-500">None yet.</p> : (
        <TableWrap>
          <table className="w-full" data-testid="deployments-table">
            <thead><tr><th className={th}>When</th><th className={th}>Strategy</th><th className={th}>Status</th><th className={th}>To</th><th className={th}>By</th><th className={th}>Why</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {ep.deployments.map((d) => (
                <tr key={d.id} data-testid="deployment-row">
                  <td className={td}><Link className="text-indigo-700 hover:underline" href={`/t/${team}/deployments/${d.id}`}>{when(d.createdAt)}</Link></td>
                  <td className={td}>{d.strategy.replace("_", "-")}</td>
                  <td className={td}><StatusBadge status={d.status} /></td>
                  <td className={td}>{shares(d.to)}</td>
                  <td className={td}>{d.createdBy}</td>
                  <td className={`${td} max-w-xs truncate`} title={d.rollbackReason ?? d.error ?? d.reason}>{d.rollbackReason ?? d.error ?? d.reason ?? ""}</td>
                  <td className={td}>
                    {offered(d) && (
                      <button
                        type="button" onClick={() => onRollBack(d)} disabled={busy || rollBack.isPending || (production && !policy.data)}
                        title={busy ? "A deployment is in progress" : undefined}
                        className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
                      >
                        Roll back to this{production ? " (promotion)" : ""}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}
