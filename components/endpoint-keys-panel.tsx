"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { createEndpointKey, listEndpointKeys, updateEndpointSettings } from "@/lib/api/contracts/endpoint-keys";
import { Badge, Card, ErrorBox, TableWrap, td, th, when } from "./ui";

/**
 * Endpoint keys (`sk_…`, the data plane's credentials): create (shown once), list, revoke, and whether
 * the endpoint asks for one. `canManage` and `manageNote` (why not) come from the page, which asks lib/auth/policy.ts.
 */
export function EndpointKeysPanel({ team, endpoint, canManage, manageNote, gatewayHint }: { team: string; endpoint: string; canManage: boolean; manageNote: string; gatewayHint: string }) {
  const qc = useQueryClient();
  const key = ["endpoint-keys", team, endpoint];
  const base = `/api/v1/endpoints/${endpoint}`;
  const keys = useQuery({ queryKey: key, queryFn: () => apiFetch<ResponseOf<typeof listEndpointKeys>>(team, `${base}/keys`) });
  const [created, setCreated] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: (name: string) => apiFetch<ResponseOf<typeof createEndpointKey>>(team, `${base}/keys`, { method: "POST", body: { name } }),
    onSuccess: (k) => { setCreated(k.key); refresh(); },
  });
  const revoke = useMutation({ mutationFn: (id: string) => apiFetch(team, `${base}/keys/${id}`, { method: "DELETE" }), onSuccess: refresh });
  const setRequired = useMutation({
    mutationFn: (requireKey: boolean) => apiFetch<ResponseOf<typeof updateEndpointSettings>>(team, `${base}/settings`, { method: "PUT", body: { requireKey } }),
    onSuccess: refresh,
  });

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate(String(new FormData(e.currentTarget).get("name")));
  }

  const error = create.error ?? revoke.error ?? setRequired.error;
  return (
    <div className="mt-6">
      <Card title="Endpoint keys">
        {keys.isPending ? <p className="text-sm text-slate-500">Loading…</p> : keys.error ? <ErrorBox message={keys.error.message} /> : (
          <div className="space-y-4">
            <p className="text-sm" data-testid="require-key">
              {keys.data.requireKey
                ? <>Requests need a key: <code className="rounded bg-slate-100 px-1 text-xs">Authorization: Bearer sk_…</code></>
                : "Requests need no key (a key that is sent is still checked)."}
              {canManage && (
                <button onClick={() => setRequired.mutate(!keys.data.requireKey)} disabled={setRequired.isPending} className="ml-3 text-sm font-medium text-indigo-700 hover:underline disabled:opacity-60">
                  {keys.data.requireKey ? "Stop asking for a key" : "Ask for a key"}
                </button>
              )}
            </p>
            {canManage ? (
              <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-4">
                <label className="text-sm font-medium">Name<input name="name" required maxLength={100} placeholder="checkout-service" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5" /></label>
                <button type="submit" disabled={create.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Create key</button>
              </form>
            ) : <p className="text-sm text-slate-500">{manageNote}</p>}
            {error && <ErrorBox message={error.message} />}
            {created && (
              <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
                <p className="font-medium">Copy this key now. It is not shown again.</p>
                <code data-testid="new-endpoint-key" className="mt-1 block break-all font-mono">{created}</code>
                <code className="mt-2 block break-all text-xs text-slate-600">curl -s {gatewayHint}/v1/endpoints/{endpoint}/predict -H &apos;Authorization: Bearer {created}&apos; -d @request.json</code>
              </div>
            )}
            {keys.data.keys.length > 0 && (
              <TableWrap>
                <table className="w-full" data-testid="endpoint-keys">
                  <thead><tr><th className={th}>Name</th><th className={th}>Key</th><th className={th}>Created</th><th className={th}>By</th><th className={th}>Status</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
                  <tbody>
                    {keys.data.keys.map((k) => (
                      <tr key={k.id}>
                        <td className={td}>{k.name}</td>
                        <td className={`${td} font-mono`}>{k.prefix}…</td>
                        <td className={td}>{when(k.createdAt)}</td>
                        <td className={td}>{k.createdBy}</td>
                        <td className={td}>{k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</td>
                        <td className={td}>
                          {canManage && !k.revokedAt && (
                            <button onClick={() => confirm(`Revoke ${k.name}? Clients using it get 401 at once.`) && revoke.mutate(k.id)} className="text-sm font-medium text-red-700 hover:underline">Revoke</button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
