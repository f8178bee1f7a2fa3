"use client";
// The team's Alerts page: open incidents first (firing, then pending), then every rule with its state
// and, for those who may manage it, edit, delete, silence and unsilence; a form for a new rule; and the
// history of incidents, each with a chart of its metric around it. The page's data comes from the
// server (lib/alerts/list-team-alerts.ts); it refreshes every 10 s and after every change.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import { describeCondition } from "@/lib/alerts/alert-event";
import type { TeamAlerts } from "@/lib/alerts/list-team-alerts";
import { AlertRuleForm } from "./alert-rule-form";
import { IncidentChart } from "./incident-chart";
import { errorFor, FieldError, formError, inputClass } from "./field";
import { A, Badge, Card, EmptyState, ErrorBox, TableWrap, td, th, when } from "./ui";

type Rule = TeamAlerts["rules"][number];
type Incident = TeamAlerts["incidents"][number];

const SEVERITY_TONE = { critical: "red", warning: "amber", info: "slate" } as const;
const STATE_TONE = { firing: "red", pending: "amber", inactive: "green", resolved: "slate" } as const;
const value = (v: number | null) => (v === null ? "no data" : String(Number(v.toPrecision(4))));
const SILENCE_HOURS = [1, 4, 24, 168];

export function AlertsPanel({ team, data, manage, endpoint }: { team: string; data: TeamAlerts; manage: Record<string, boolean>; endpoint: string | null }) {
  const router = useRouter();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => { router.refresh(); setNow(Date.now()); }, 10_000);
    return () => clearInterval(t);
  }, [router]);
  const rules = data.rules.filter((r) => !endpoint || r.endpoint === endpoint);
  const ruleOf = new Map(data.rules.map((r) => [r.id, r]));
  const open = rules.filter((r) => r.incident).sort((a, b) => (a.state === b.state ? 0 : a.state === "firing" ? -1 : 1));
  const history = data.incidents.filter((i) => !endpoint || i.endpoint === endpoint);
  const manageable = data.endpoints.filter((e) => manage[e.name] && (!endpoint || e.name === endpoint));
  const channelName = new Map(data.channels.map((c) => [c.id, c.name]));

  return (
    <div className="space-y-6">
      {endpoint && <p className="text-sm text-slate-600">Showing endpoint <strong>{endpoint}</strong> only · <A href={`/t/${team}/alerts`}>all endpoints</A></p>}
      <section aria-labelledby="open-incidents">
        <Card>
          <h2 id="open-incidents" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Firing and pending</h2>
          {open.length === 0 ? <p className="text-sm text-slate-600" data-testid="no-open-incidents">Nothing is firing.</p> : (
            <TableWrap>
              <table className="w-full" data-testid="open-incidents">
                <thead><tr><th className={th}>State</th><th className={th}>Severity</th><th className={th}>Rule</th><th className={th}>Endpoint</th><th className={th}>Value vs threshold</th><th className={th}>Since</th></tr></thead>
                <tbody>
                  {open.map((r) => (
                    <tr key={r.id} data-testid={`open-${r.id}`}>
                      <td className={td}><Badge tone={STATE_TONE[r.state]}>{r.state}</Badge>{r.silence && <span className="ml-1 text-xs text-slate-500">(silenced)</span>}</td>
                      <td className={td}><Badge tone={SEVERITY_TONE[r.severity]}>{r.severity}</Badge></td>
                      <td className={td}>{r.name}</td>
                      <td className={td}><A href={`/t/${team}/endpoints/${r.endpoint}`}>{r.endpoint}</A></td>
                      <td className={td}>{r.metric} {value(r.incident!.lastValue)} {r.operator} {r.threshold}</td>
                      <td className={td}>{when(r.incident!.firingAt ?? r.incident!.startedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </Card>
      </section>

      <section aria-labelledby="rules">
        <Card>
          <h2 id="rules" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Rules</h2>
          {rules.length === 0 ? <EmptyState title="No alert rules yet">{manageable.length ? "Create one below." : "An engineer can create them."}</EmptyState> : (
            <ul className="divide-y divide-slate-100">
              {rules.map((r) => <RuleRow key={r.id} team={team} rule={r} data={data} canManage={!!manage[r.endpoint]} channelName={channelName} />)}
            </ul>
          )}
        </Card>
      </section>

      {manageable.length > 0 && (
        <section aria-labelledby="new-rule">
          <Card>
            <h2 id="new-rule" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">New rule</h2>
            <AlertRuleForm team={team} endpoints={manageable} channels={data.channels} />
          </Card>
        </section>
      )}

      <section aria-labelledby="history">
        <Card>
          <h2 id="history" className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Incidents, newest first</h2>
          {history.length === 0 ? <p className="text-sm text-slate-600">No incidents yet.</p> : (
            <ul className="space-y-4" data-testid="incident-history">
              {history.map((i, n) => <IncidentItem key={i.id} team={team} incident={i} rule={ruleOf.get(i.ruleId)} chart={n < 10} now={now} />)}
            </ul>
          )}
        </Card>
      </section>
    </div>
  );
}

function IncidentItem({ team, incident: i, rule, chart, now }: { team: string; incident: Incident; rule: Rule | undefined; chart: boolean; now: number }) {
  return (
    <li className="rounded-md border border-slate-200 p-3" data-testid={`incident-${i.id}`}>
      <p className="text-sm">
        <Badge tone={STATE_TONE[i.state]}>{i.state}</Badge>{" "}
        <strong>{i.rule}</strong> on {i.endpoint} · started {when(i.startedAt)}
        {i.firingAt && <> · fired {when(i.firingAt)} at {value(i.valueAtFire)}</>}
        {i.resolvedAt && <> · resolved {when(i.resolvedAt)} at {value(i.valueAtResolve)}</>}
        {" "}· peak {value(i.peakValue)}{rule && <> · threshold {rule.operator} {rule.threshold}</>}
        {!i.notified.firing && i.state !== "pending" && <span className="text-slate-500"> · not announced (silenced)</span>}
      </p>
      {chart && rule && <div className="mt-2 max-w-2xl"><IncidentChart team={team} rule={rule} incident={i} now={now} /></div>}
    </li>
  );
}

function RuleRow({ team, rule: r, data, canManage, channelName }: { team: string; rule: Rule; data: TeamAlerts; canManage: boolean; channelName: Map<string, string> }) {
  const router = useRouter();
  const [mode, setMode] = useState<"view" | "edit" | "silence" | "delete">("view");
  const base = `/api/v1/endpoints/${r.endpoint}/alert-rules/${r.id}`;
  const done = () => { setMode("view"); router.refresh(); };
  const remove = useMutation({ mutationFn: () => apiFetch(team, base, { method: "DELETE" }), onSuccess: done });
  const unsilence = useMutation({ mutationFn: () => apiFetch(team, `${base}/silence`, { method: "DELETE" }), onSuccess: done });
  const button = "rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50";
  return (
    <li className="py-3" data-testid={`rule-${r.id}`} aria-label={`Rule ${r.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={STATE_TONE[r.state]}>{r.state}</Badge>
        <Badge tone={SEVERITY_TONE[r.severity]}>{r.severity}</Badge>
        <span className="font-medium">{r.name}</span>
        <span className="text-sm text-slate-600">on <A href={`/t/${team}/endpoints/${r.endpoint}`}>{r.endpoint}</A>: {describeCondition(r)}{r.forSeconds ? `, for ${r.forSeconds} s` : ""}</span>
        {!r.enabled && <Badge>disabled</Badge>}
        {r.silence && <span className="text-sm text-amber-800">Silenced until {when(r.silence.until)}: {r.silence.reason}</span>}
        {r.channels.length > 0 && <span className="text-xs text-slate-500">→ {r.channels.map((c) => channelName.get(c) ?? c).join(", ")}</span>}
        {canManage && mode === "view" && (
          <span className="ml-auto flex gap-2">
            <button type="button" className={button} onClick={() => setMode("edit")}>Edit</button>
            {r.silence
              ? <button type="button" className={button} onClick={() => unsilence.mutate()} disabled={unsilence.isPending}>Unsilence</button>
              : <button type="button" className={button} onClick={() => setMode("silence")}>Silence</button>}
            <button type="button" className={button} onClick={() => setMode("delete")}>Delete</button>
          </span>
        )}
      </div>
      {unsilence.error && <ErrorBox message={unsilence.error.message} />}
      {mode === "edit" && <div className="mt-3"><AlertRuleForm team={team} endpoints={data.endpoints.filter((e) => e.name === r.endpoint)} channels={data.channels} rule={r} onDone={done} /></div>}
      {mode === "silence" && <SilenceForm team={team} base={base} name={r.name} onDone={done} onCancel={() => setMode("view")} />}
      {mode === "delete" && (
        <div className="mt-2 flex items-center gap-2 text-sm" role="group" aria-label="Confirm delete">
          <span>Delete “{r.name}”?{r.state === "firing" ? " Its firing incident is resolved, and the resolve sent where the firing went." : ""}</span>
          <button type="button" className="rounded-md bg-red-700 px-2 py-1 text-xs font-medium text-white" onClick={() => remove.mutate()} disabled={remove.isPending}>Delete rule</button>
          <button type="button" className={button} onClick={() => setMode("view")}>Keep it</button>
          {remove.error && <ErrorBox message={remove.error.message} />}
        </div>
      )}
    </li>
  );
}

function SilenceForm({ team, base, name, onDone, onCancel }: { team: string; base: string; name: string; onDone: () => void; onCancel: () => void }) {
  const [hours, setHours] = useState(4);
  const [reason, setReason] = useState("");
  const silence = useMutation({
    mutationFn: () => apiFetch(team, `${base}/silence`, { method: "POST", body: { until: new Date(Date.now() + hours * 3_600_000).toISOString(), reason } }),
    onSuccess: onDone,
  });
  const reasonError = errorFor(silence.error, "reason");
  return (
    <form noValidate className="mt-3 flex flex-wrap items-end gap-3" aria-label={`Silence ${name}`} onSubmit={(e) => { e.preventDefault(); silence.mutate(); }}>
      <label className="text-sm font-medium text-slate-700">For
        <select className={inputClass} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {SILENCE_HOURS.map((h) => <option key={h} value={h}>{h < 24 ? `${h} h` : `${h / 24} d`}</option>)}
        </select>
      </label>
      <label className="min-w-64 flex-1 text-sm font-medium text-slate-700">Reason
        <input className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={!!reasonError} aria-describedby={reasonError ? `${base}-reason-error` : undefined} maxLength={500} />
        <FieldError id={`${base}-reason-error`} message={reasonError} />
      </label>
      <button type="submit" className="rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white" disabled={silence.isPending}>Silence rule</button>
      <button type="button" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm" onClick={onCancel}>Cancel</button>
      {formError(silence.error, ["reason"]) && <ErrorBox message={formError(silence.error, ["reason"])!} />}
    </form>
  );
}
