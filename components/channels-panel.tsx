"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { createChannel, listChannels, testChannel } from "@/lib/api/contracts/notifications";
import { EVENT_TYPES } from "@/lib/notifications/event-types";
import { Badge, Card, EmptyState, ErrorBox, TableWrap, td, th, when } from "./ui";

const KINDS = [
  { kind: "webhook", label: "Webhook (signed)", hint: "POSTs the event as JSON, signed with Switchyard-Signature." },
  { kind: "slack", label: "Slack", hint: "A Slack incoming-webhook URL (https://hooks.slack.com/services/…)." },
  { kind: "pagerduty", label: "PagerDuty", hint: "An Events API v2 integration (routing) key." },
] as const;
type Kind = (typeof KINDS)[number]["kind"];

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5";

export function ChannelsPanel({ team }: { team: string }) {
  const qc = useQueryClient();
  const key = ["channels", team];
  const channels = useQuery({ queryKey: key, queryFn: () => apiFetch<ResponseOf<typeof listChannels>>(team, "/api/v1/channels") });
  const [kind, setKind] = useState<Kind>("webhook");
  const [secret, setSecret] = useState<string | null>(null);
  const [tested, setTested] = useState<Record<string, ResponseOf<typeof testChannel> | string>>({});
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: (body: object) => apiFetch<ResponseOf<typeof createChannel>>(team, "/api/v1/channels", { method: "POST", body }),
    onSuccess: (c) => { setSecret(c.signingSecret ?? null); refresh(); },
  });
  const remove = useMutation({ mutationFn: (id: string) => apiFetch(team, `/api/v1/channels/${id}`, { method: "DELETE" }), onSuccess: refresh });
  const test = useMutation({
    mutationFn: (id: string) => apiFetch<ResponseOf<typeof testChannel>>(team, `/api/v1/channels/${id}/test`, { method: "POST" }),
    onSuccess: (d, id) => setTested((t) => ({ ...t, [id]: d })),
    onError: (e, id) => setTested((t) => ({ ...t, [id]: e.message })),
  });

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => (String(f.get(k) ?? "").trim() || undefined);
    setSecret(null);
    create.mutate({
      name: text("name"), kind, events: EVENT_TYPES.filter((t) => f.get(`event-${t}`)),
      ...(kind === "pagerduty" ? { routingKey: text("routingKey"), eventsUrl: text("eventsUrl") } : { url: text("url") }),
      ...(kind === "webhook" ? { secret: text("secret") } : {}),
    });
  }

  return (
    <div className="space-y-6">
      <Card title="New channel">
        <form onSubmit={onSubmit} className="space-y-4">
          <div className="flex flex-wrap gap-4">
            {KINDS.map((k) => (
              <label key={k.kind} className="flex items-center gap-1 text-sm font-medium">
                <input type="radio" name="kind" checked={kind === k.kind} onChange={() => setKind(k.kind)} />{k.label}
              </label>
            ))}
          </div>
          <p className="text-sm text-slate-500">{KINDS.find((k) => k.kind === kind)!.hint}</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <label className="text-sm font-medium">Name<input name="name" required maxLength={100} placeholder="ml-alerts" className={input} /></label>
            {kind === "pagerduty" ? (
              <>
                <label className="text-sm font-medium">Routing key<input name="routingKey" required maxLength={200} autoComplete="off" className={input} /></label>
                <label className="text-sm font-medium">Events URL (optional)<input name="eventsUrl" type="url" placeholder="https://events.pagerduty.com/v2/enqueue" className={input} /></label>
              </>
            ) : (
              <label className="text-sm font-medium">URL<input name="url" type="url" required maxLength={2048} placeholder={kind === "slack" ? "https://hooks.slack.com/services/…" : "https://example.com/switchyard-hook"} className={input} /></label>
            )}
            {kind === "webhook" && <label className="text-sm font-medium">Signing secret (optional: one is generated)<input name="secret" minLength={16} maxLength={200} autoComplete="off" className={input} /></label>}
          </div>
          <fieldset className="text-sm">
            <legend className="font-medium">Events</legend>
            <div className="mt-1 grid gap-1 sm:grid-cols-3">
              {EVENT_TYPES.map((t) => (<label key={t} className="flex items-center gap-1"><input type="checkbox" name={`event-${t}`} defaultChecked={!t.startsWith("version.")} />{t}</label>))}
            </div>
          </fieldset>
          <button type="submit" disabled={create.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Create channel</button>
        </form>
        {create.error && <div className="mt-3"><ErrorBox message={create.error.message} /></div>}
        {secret && (
          <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p className="font-medium">Copy the signing secret now. It is not shown again; your receiver verifies Switchyard-Signature with it.</p>
            <code data-testid="signing-secret" className="mt-1 block break-all font-mono">{secret}</code>
          </div>
        )}
      </Card>
      <Card title="Channels">
        {channels.isPending ? <p className="text-sm text-slate-500">Loading…</p> : channels.error ? <ErrorBox message={channels.error.message} /> : channels.data.channels.length === 0 ? (
          <EmptyState title="No channels yet">Create one above to hear about new versions, deployments and promotions.</EmptyState>
        ) : (
          <TableWrap>
            <table className="w-full">
              <thead><tr><th className={th}>Name</th><th className={th}>Kind</th><th className={th}>Sends to</th><th className={th}>Events</th><th className={th}>Created</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {channels.data.channels.map((c) => {
                  const t = tested[c.id];
                  return (
                    <tr key={c.id} className="align-top">
                      <td className={td}>{c.name}</td>
                      <td className={td}><Badge tone="indigo">{c.kind}</Badge></td>
                      <td className={`${td} max-w-xs truncate font-mono text-xs`} title={c.target}>{c.target}{c.secret && <span className="block text-slate-500">{c.secret}</span>}</td>
                      <td className={`${td} whitespace-normal text-xs`}>{c.events.join(", ")}</td>
                      <td className={td}>{when(c.createdAt)} · {c.createdBy}</td>
                      <td className={`${td} space-x-3`}>
                        <button onClick={() => test.mutate(c.id)} disabled={test.isPending} className="text-sm font-medium text-indigo-700 hover:underline">Send test</button>
                        <button onClick={() => confirm(`Delete ${c.name}? Its delivery history goes with it.`) && remove.mutate(c.id)} className="text-sm font-medium text-red-700 hover:underline">Delete</button>
                        {t && (
                          <span className="block pt-1 text-xs" data-testid="test-result">
                            {typeof t === "string" ? <span className="text-red-700">{t}</span>
                              : t.status === "succeeded" ? <span className="text-green-800">delivered ({t.lastStatusCode})</span>
                              : <span className="text-amber-800">{t.status}{t.lastStatusCode ? ` (${t.lastStatusCode})` : ""}{t.lastError ? `: ${t.lastError}` : ""}</span>}
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
    </div>
  );
}
