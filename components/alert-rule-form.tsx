"use client";
// Create or edit an endpoint's alert rule. Offers only what the API takes: the metrics, operators and
// severities it knows, the endpoint's variants, its model's inputs for feature_psi, the team's
// channels. The server still decides: its refusals appear next to the field they name, in its words,
// and what was typed stays.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import { ALERT_METRICS, FEATURE_METRICS, METRIC_UNITS, OPERATORS, SEVERITIES, type AlertMetric } from "@/lib/alerts/alert-metrics";
import type { TeamAlerts } from "@/lib/alerts/list-team-alerts";
import { errorFor, FieldError, formError, inputClass } from "./field";
import { ErrorBox } from "./ui";

type Rule = TeamAlerts["rules"][number];
type Endpoint = TeamAlerts["endpoints"][number];

const FIELDS = ["endpoint", "name", "metric", "feature", "variant", "operator", "threshold", "windowSeconds", "forSeconds", "severity", "channels"];

export function AlertRuleForm({ team, endpoints, channels, rule, onDone }: { team: string; endpoints: Endpoint[]; channels: TeamAlerts["channels"]; rule?: Rule; onDone?: () => void }) {
  const router = useRouter();
  const [v, setV] = useState({
    endpoint: rule?.endpoint ?? endpoints[0]?.name ?? "",
    name: rule?.name ?? "",
    metric: (rule?.metric ?? "error_rate") as AlertMetric,
    feature: rule?.feature ?? "",
    variant: rule?.variant ?? "",
    operator: rule?.operator ?? ">",
    threshold: rule ? String(rule.threshold) : "",
    windowSeconds: rule ? String(rule.windowSeconds) : "300",
    forSeconds: rule ? String(rule.forSeconds) : "60",
    severity: rule?.severity ?? "warning",
    channels: rule?.channels ?? [],
  });
  const set = (k: keyof typeof v) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [k]: e.target.value });
  const endpoint = endpoints.find((e) => e.name === v.endpoint);
  const wantsFeature = FEATURE_METRICS.includes(v.metric);
  const save = useMutation({
    mutationFn: () => {
      const num = (s: string) => (s.trim() === "" ? null : Number(s));
      const body = {
        name: v.name.trim() || undefined, metric: v.metric, feature: wantsFeature ? v.feature || null : null, variant: v.variant || null,
        operator: v.operator, threshold: num(v.threshold), windowSeconds: num(v.windowSeconds), forSeconds: num(v.forSeconds),
        severity: v.severity, channels: v.channels, ...(rule ? { enabled: rule.enabled } : {}),
      };
      const path = `/api/v1/endpoints/${v.endpoint}/alert-rules${rule ? `/${rule.id}` : ""}`;
      return apiFetch(team, path, { method: rule ? "PUT" : "POST", body });
    },
    onSuccess: () => {
      if (!rule) setV({ ...v, name: "", threshold: "" });
      router.refresh();
      onDone?.();
    },
  });
  const id = (k: string) => `${rule?.id ?? "new"}-${k}`;
  const err = (k: string) => errorFor(save.error, k);
  const field = (k: string, label: string, control: React.ReactNode, hint?: string) => (
    <label className="block text-sm font-medium text-slate-700" htmlFor={id(k)}>
      {label}
      {control}
      {hint && <span className="mt-1 block text-xs font-normal text-slate-500">{hint}</span>}
      <FieldError id={`${id(k)}-error`} message={err(k)} />
    </label>
  );
  const aria = (k: string) => ({ id: id(k), "aria-invalid": !!err(k), "aria-describedby": err(k) ? `${id(k)}-error` : undefined });

  if (!endpoints.length) return <p className="text-sm text-slate-500">You can manage rules on none of this team&apos;s endpoints.</p>;
  return (
    <form noValidate onSubmit={(e) => { e.preventDefault(); save.mutate(); }} className="space-y-4" aria-label={rule ? `Edit rule ${rule.name}` : "New alert rule"}>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {field("endpoint", "Endpoint", (
          <select {...aria("endpoint")} className={inputClass} value={v.endpoint} disabled={!!rule} onChange={(e) => setV({ ...v, endpoint: e.target.value, variant: "", feature: "" })}>
            {endpoints.map((e) => <option key={e.name} value={e.name}>{e.name} ({e.environment})</option>)}
          </select>
        ))}
        {field("name", "Name", <input {...aria("name")} className={inputClass} value={v.name} onChange={set("name")} placeholder="default: the condition" maxLength={200} />)}
        {field("metric", "Metric", (
          <select {...aria("metric")} className={inputClass} value={v.metric} onChange={set("metric")}>
            {ALERT_METRICS.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        ), METRIC_UNITS[v.metric])}
        {wantsFeature && field("feature", "Feature", (
          <select {...aria("feature")} className={inputClass} value={v.feature} onChange={set("feature")}>
            <option value="">Choose one of the model&apos;s inputs</option>
            {(endpoint?.inputs ?? []).map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
        ), endpoint?.inputs.length ? undefined : "The endpoint serves no model yet: no inputs to watch.")}
        {field("variant", "Traffic", (
          <select {...aria("variant")} className={inputClass} value={v.variant} onChange={set("variant")}>
            <option value="">All served traffic</option>
            {(endpoint?.variants ?? []).map((x) => <option key={x} value={x}>{x} only</option>)}
          </select>
        ))}
        <div className="grid grid-cols-2 gap-2">
          {field("operator", "Operator", (
            <select {...aria("operator")} className={inputClass} value={v.operator} onChange={set("operator")}>
              {OPERATORS.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          ))}
          {field("threshold", "Threshold", <input {...aria("threshold")} className={inputClass} value={v.threshold} onChange={set("threshold")} inputMode="decimal" />)}
        </div>
        {field("windowSeconds", "Window (seconds)", <input {...aria("windowSeconds")} className={inputClass} value={v.windowSeconds} onChange={set("windowSeconds")} inputMode="numeric" />, "read over the last N seconds (whole rollup minutes)")}
        {field("forSeconds", "For (seconds)", <input {...aria("forSeconds")} className={inputClass} value={v.forSeconds} onChange={set("forSeconds")} inputMode="numeric" />, "how long it must hold before it fires (0: at once)")}
        {field("severity", "Severity", (
          <select {...aria("severity")} className={inputClass} value={v.severity} onChange={set("severity")}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        ))}
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Channels</legend>
        {channels.length === 0 && <p className="text-xs text-slate-500">The team has no notification channels yet (an admin adds them under Notifications): incidents are recorded here only.</p>}
        <div className="mt-1 flex flex-wrap gap-4">
          {channels.map((c) => (
            <label key={c.id} className="flex items-center gap-1 text-sm">
              <input type="checkbox" checked={v.channels.includes(c.id)} onChange={(e) => setV({ ...v, channels: e.target.checked ? [...v.channels, c.id] : v.channels.filter((x) => x !== c.id) })} />
              {c.name} <span className="text-xs text-slate-500">({c.kind})</span>
            </label>
          ))}
        </div>
        <FieldError id={`${id("channels")}-error`} message={err("channels")} />
      </fieldset>
      {formError(save.error, FIELDS) && <ErrorBox message={formError(save.error, FIELDS)!} />}
      <div className="flex gap-2">
        <button type="submit" disabled={save.isPending} className="rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-50">{rule ? "Save rule" : "Create rule"}</button>
        {onDone && <button type="button" onClick={onDone} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Cancel</button>}
      </div>
    </form>
  );
}
