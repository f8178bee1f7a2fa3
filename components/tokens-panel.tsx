"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { createToken, listTokens } from "@/lib/api/contracts/tokens";
import { Badge, Card, EmptyState, ErrorBox, TableWrap, td, th, when } from "./ui";

const SCOPES = ["read", "write", "deploy"] as const;

export function TokensPanel({ team }: { team: string }) {
  const qc = useQueryClient();
  const key = ["tokens", team];
  const tokens = useQuery({ queryKey: key, queryFn: () => apiFetch<ResponseOf<typeof listTokens>>(team, "/api/v1/tokens") });
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: { name: string; scopes: string[]; expiresInDays?: number }) => apiFetch<ResponseOf<typeof createToken>>(team, "/api/v1/tokens", { method: "POST", body }),
    onSuccess: (t) => { setCreated(t.token); qc.invalidateQueries({ queryKey: key }); },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch(team, `/api/v1/tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const days = Number(f.get("days"));
    create.mutate({ name: String(f.get("name")), scopes: SCOPES.filter((s) => f.get(`scope-${s}`)), expiresInDays: days > 0 ? days : undefined });
  }

  return (
    <div className="space-y-6">
      <Card title="New token">
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-4">
          <label className="text-sm font-medium">Name<input name="name" required maxLength={100} placeholder="github-actions" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5" /></label>
          <fieldset className="text-sm">
            <legend className="font-medium">Scopes</legend>
            <div className="mt-1 flex gap-3">
              {SCOPES.map((s) => (<label key={s} className="flex items-center gap-1"><input type="checkbox" name={`scope-${s}`} defaultChecked={s !== "deploy"} />{s}</label>))}
            </div>
          </fieldset>
          <label className="text-sm font-medium">Expires in (days)<input name="days" type="number" min={0} max={3650} defaultValue={90} className="mt-1 block w-28 rounded-md border border-slate-300 px-3 py-1.5" /></label>
          <button type="submit" disabled={create.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Create token</button>
        </form>
        {create.error && <div className="mt-3"><ErrorBox message={create.error.message} /></div>}
        {created && (
          <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p className="font-medium">Copy this token now. It is not shown again.</p>
            <code data-testid="new-token" className="mt-1 block break-all font-mono">{created}</code>
          </div>
        )}
      </Card>
      <Card title="Tokens">
        {tokens.isPending ? <p className="text-sm text-slate-500">Loading…</p> : tokens.error ? <ErrorBox message={tokens.error.message} /> : tokens.data.tokens.length === 0 ? (
          <EmptyState title="No tokens yet">Create one above for your CI pipeline.</EmptyState>
        ) : (
          <TableWrap>
            <table className="w-full">
              <thead><tr><th className={th}>Name</th><th className={th}>Token</th><th className={th}>Scopes</th><th className={th}>Expires</th><th className={th}>Last used</th><th className={th}>Status</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {tokens.data.tokens.map((t) => {
                  const expired = t.expiresAt && new Date(t.expiresAt) < new Date();
                  return (
                    <tr key={t.id}>
                      <td className={td}>{t.name}</td>
                      <td className={`${td} font-mono`}>{t.prefix}…</td>
                      <td className={td}><div className="flex gap-1">{t.scopes.map((s) => <Badge key={s}>{s}</Badge>)}</div></td>
                      <td className={td}>{t.expiresAt ? when(t.expiresAt) : "never"}</td>
                      <td className={td}>{t.lastUsedAt ? when(t.lastUsedAt) : "never"}</td>
                      <td className={td}>{t.revokedAt ? <Badge tone="red">revoked</Badge> : expired ? <Badge tone="amber">expired</Badge> : <Badge tone="green">active</Badge>}</td>
                      <td className={td}>
                        {!t.revokedAt && (
                          <button onClick={() => confirm(`Revoke ${t.name}? CI using it stops working.`) && revoke.mutate(t.id)} className="text-sm font-medium text-red-700 hover:underline">Revoke</button>
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
