"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { addMember, listMembers, resetMemberPassword } from "@/lib/api/contracts/members";
import { ROLES } from "@/lib/auth/roles";
import { Card, ErrorBox, TableWrap, td, th, when } from "./ui";

type Member = ResponseOf<typeof listMembers>["members"][number];

export function MembersPanel({ team, me }: { team: string; me: string }) {
  const qc = useQueryClient();
  const key = ["members", team];
  const members = useQuery({ queryKey: key, queryFn: () => apiFetch<{ members: Member[] }>(team, "/api/v1/members") });
  const [added, setAdded] = useState<{ email: string; initialPassword?: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const add = useMutation({
    mutationFn: (body: object) => apiFetch<ResponseOf<typeof addMember>>(team, "/api/v1/members", { method: "POST", body }),
    onSuccess: (r) => { setAdded(r); refresh(); },
  });
  const change = useMutation({
    mutationFn: ({ email, role }: { email: string; role: string | null }) =>
      apiFetch(team, `/api/v1/members/${encodeURIComponent(email)}`, role ? { method: "PUT", body: { role } } : { method: "DELETE" }),
    onSettled: refresh,
  });
  // a reset's generated password is shown here once, like a new member's
  const [reset, setReset] = useState<ResponseOf<typeof resetMemberPassword> | null>(null);
  const resetPassword = useMutation({
    mutationFn: (email: string) => apiFetch<ResponseOf<typeof resetMemberPassword>>(team, `/api/v1/members/${encodeURIComponent(email)}/reset-password`, { method: "POST" }),
    onMutate: () => setReset(null),
    onSuccess: setReset,
  });
  const link = useMutation({
    mutationFn: ({ email, slackUserId }: { email: string; slackUserId: string | null }) =>
      apiFetch(team, `/api/v1/members/${encodeURIComponent(email)}`, { method: "PUT", body: { slackUserId } }),
    onSettled: refresh,
  });

  return (
    <div className="space-y-6">
      <Card title="Add a person">
        <form
          className="flex flex-wrap items-end gap-4"
          onSubmit={(e) => { e.preventDefault(); const f = new FormData(e.currentTarget); add.mutate({ email: f.get("email"), role: f.get("role") }); }}
        >
          <label className="text-sm font-medium">Email<input name="email" type="email" required className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5" /></label>
          <label className="text-sm font-medium">Role
            <select name="role" defaultValue="engineer" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5">{ROLES.map((r) => <option key={r}>{r}</option>)}</select>
          </label>
          <button className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white" disabled={add.isPending}>Add</button>
        </form>
        {add.error && <div className="mt-3"><ErrorBox message={add.error.message} /></div>}
        {added && (
          <p className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            {added.email} added.{added.initialPassword && <> First password (shown once; they choose their own at the first sign-in): <code data-testid="initial-password" className="font-mono">{added.initialPassword}</code></>}
          </p>
        )}
      </Card>
      <Card title="Members">
        {change.error && <div className="mb-3"><ErrorBox message={change.error.message} /></div>}
        {link.error && <div className="mb-3"><ErrorBox message={link.error.message} /></div>}
        {resetPassword.error && <div className="mb-3"><ErrorBox message={resetPassword.error.message} /></div>}
        {reset && (
          <p role="status" className="mb-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            {reset.email}&apos;s sessions have ended. New password (shown once; they choose their own at the next sign-in): <code data-testid="reset-password" className="font-mono">{reset.initialPassword}</code>
          </p>
        )}
        {members.isPending ? <p className="text-sm text-slate-500">Loading…</p> : members.error ? <ErrorBox message={members.error.message} /> : (
          <TableWrap>
            <table className="w-full">
              <thead><tr><th className={th}>Person</th><th className={th}>Role</th><th className={th} title="Their Approve / Reject clicks in Slack act as this member">Slack user id</th><th className={th}>Since</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {members.data.members.map((m) => (
                  <tr key={m.email}>
                    <td className={td}>{m.email}{m.email === me ? " (you)" : ""}</td>
                    <td className={td}>
                      <select aria-label={`Role of ${m.email}`} value={m.role ?? ""} onChange={(e) => change.mutate({ email: m.email, role: e.target.value })} className="rounded-md border border-slate-300 px-2 py-1 text-sm">
                        {ROLES.map((r) => <option key={r}>{r}</option>)}
                      </select>
                    </td>
                    <td className={td}>
                      <SlackIdField key={m.slackUserId ?? ""} member={m} saving={link.isPending} onSave={(slackUserId) => link.mutate({ email: m.email, slackUserId })} />
                    </td>
                    <td className={td}>{when(m.since)}</td>
                    <td className={`${td} space-x-3`}>
                      {m.email !== me && (
                        <button onClick={() => confirm(`Give ${m.email} a new generated password? Their open sessions end and they must choose a new one at the next sign-in.`) && resetPassword.mutate(m.email)} disabled={resetPassword.isPending} className="text-sm font-medium text-indigo-700 hover:underline">Reset password</button>
                      )}
                      <button onClick={() => confirm(`Remove ${m.email} from the team?`) && change.mutate({ email: m.email, role: null })} className="text-sm font-medium text-red-700 hover:underline">Remove</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Card>
    </div>
  );
}

/** A member's Slack user id (Slack: their profile → ⋮ → Copy member ID); empty unlinks. */
function SlackIdField({ member, saving, onSave }: { member: Member; saving: boolean; onSave: (slackUserId: string | null) => void }) {
  const [value, setValue] = useState(member.slackUserId ?? "");
  const next = value.trim().toUpperCase();
  const changed = next !== (member.slackUserId ?? "");
  return (
    <form className="flex items-center gap-2" onSubmit={(e) => { e.preventDefault(); if (changed) onSave(next || null); }}>
      <input
        aria-label={`Slack user id of ${member.email}`} value={value} onChange={(e) => setValue(e.target.value)} placeholder="U024BE7LH"
        title="A Slack member id: U or W, then letters and digits" className="w-32 rounded-md border border-slate-300 px-2 py-1 font-mono text-sm"
      />
      {changed && <button disabled={saving} className="text-sm font-medium text-indigo-700 hover:underline">{next ? "Link" : "Unlink"}</button>}
    </form>
  );
}
