"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { ResponseOf } from "@/lib/api/contract";
import type { getDeployment } from "@/lib/api/contracts/endpoints";
import { Card, ErrorBox, PageHeader, when } from "./ui";
import { StatusBadge } from "./status-badge";
import { AbortDeploymentButton } from "./abort-deployment-button";

type DeploymentView = ResponseOf<typeof getDeployment>;

const label = (s: DeploymentView["steps"][number]) =>
  ({ place: "Load on workers", verify: "Check the new version answers", shift: `Shift ${s.percent}% of traffic`, bake: `Bake at ${s.percent}% for ${s.seconds}s, then check guardrails`, switch: "Switch traffic", keep_warm: `Keep the old version warm for ${s.seconds}s`, cleanup: "Unload what is no longer routed" })[s.kind] ?? s.kind;

/**
 * Live over server-sent events: the server pushes the deployment each time it changes. `embedded`: a card
 * inside another page (a promotion's), with a link to the deployment's own page. `abort`: the page's
 * answer from lib/auth/policy.ts ("deployment.abort"), and whether the endpoint is a production one.
 */
export function DeploymentProgress({ team, id, embedded = false, abort = null }: { team: string; id: string; embedded?: boolean; abort?: { production: boolean } | null }) {
  const [d, setD] = useState<DeploymentView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const es = new EventSource(`/api/v1/deployments/${id}/events?team=${encodeURIComponent(team)}`);
    es.addEventListener("deployment", (ev) => setD(JSON.parse((ev as MessageEvent).data)));
    es.onerror = () => {
      es.close();
      setD((cur) => {
        if (!cur) setError("Could not load this deployment.");
        return cur;
      });
    };
    return () => es.close();
  }, [team, id]);

  if (error) return <ErrorBox message={error} />;
  if (!d) return <p className="text-sm text-slate-500" aria-busy="true">Loading deployment…</p>;
  const steps = <Steps d={d} />;
  const active = d.status === "pending" || d.status === "running";
  const aborting = active && d.abortReason
    ? <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm" role="status" data-testid="abort-requested">Abort requested ({d.abortReason}): rolling back to the routing from before it…</p>
    : null;
  if (embedded) {
    return (
      <Card title={<span className="flex flex-wrap items-center gap-2">Deployment <span data-testid="deployment-status"><StatusBadge status={d.status} /></span> <Link className="normal-case text-indigo-700 underline underline-offset-2" href={`/t/${team}/deployments/${d.id}`}>open</Link></span>}>
        {d.rollbackReason && <div className="mb-3"><ErrorBox message={`Rolled back: ${d.rollbackReason}`} /></div>}
        {d.error && <div className="mb-3"><ErrorBox message={`Failed: ${d.error}`} /></div>}
        {steps}
      </Card>
    );
  }
  return (
    <>
      <PageHeader
        title={<>Deployment to <Link className="text-indigo-700 underline underline-offset-2" href={`/t/${team}/endpoints/${d.endpoint}`}>{d.endpoint}</Link></>}
        subtitle={`${d.strategy.replace("_", "-")} · by ${d.createdBy} · ${when(d.createdAt)}`}
        actions={
          <span className="flex flex-wrap items-center gap-3">
            {abort && active && !d.abortReason && <AbortDeploymentButton team={team} id={d.id} production={abort.production} />}
            <span data-testid="deployment-status"><StatusBadge status={d.status} /></span>
          </span>
        }
      />
      {aborting}
      {d.rollbackReason && <div className="mb-4"><ErrorBox message={`Rolled back: ${d.rollbackReason}`} /></div>}
      {d.error && <div className="mb-4"><ErrorBox message={`Failed: ${d.error}`} /></div>}
      <Card title="Steps">{steps}</Card>
      <div className="mt-6 grid gap-6 md:grid-cols-2">
        <Card title="From">{d.from.length ? d.from.map((v) => <p key={v.name} className="text-sm">{v.name}: {v.role === "shadow" ? "shadow" : `${v.weight}%`}</p>) : <p className="text-sm text-slate-500">no traffic</p>}</Card>
        <Card title="To">{d.to.map((v) => <p key={v.name} className="text-sm">{v.name}: {v.role === "shadow" ? "shadow" : `${v.weight}%`}</p>)}</Card>
      </div>
    </>
  );
}

function Steps({ d }: { d: DeploymentView }) {
  return (
    <ol className="space-y-3">
      {d.steps.map((s, i) => (
        <li key={i} className="flex flex-wrap items-start gap-3" data-testid="deployment-step">
          <StatusBadge status={s.status} />
          <div className="min-w-0">
            <p className="text-sm font-medium">{label(s)}</p>
            {s.detail && <p className="break-words text-xs text-slate-500">{s.detail}</p>}
            {s.startedAt && <p className="text-xs text-slate-500">{when(s.startedAt)}{s.finishedAt ? ` → ${s.finishedAt.slice(11, 19)}` : ""}</p>}
          </div>
        </li>
      ))}
    </ol>
  );
}
