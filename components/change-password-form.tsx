"use client";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { BodyOf } from "@/lib/api/contract";
import type { changePassword } from "@/lib/api/contracts/account";

const MIN_LENGTH = 12;

export function ChangePasswordForm() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: BodyOf<typeof changePassword> = { currentPassword: String(f.get("current")), newPassword: String(f.get("new")) };
    if (body.newPassword !== String(f.get("repeat"))) return setError("The new passwords differ.");
    setBusy(true);
    setError(undefined);
    try {
      await apiFetch(null, "/api/v1/me/password", { method: "POST", body });
      window.location.href = "/";
    } catch (err) {
      setBusy(false);
      setError((err as Error).message);
    }
  }

  const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2";
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <label className="block text-sm font-medium">Current password<input name="current" type="password" autoComplete="current-password" required className={input} /></label>
      <label className="block text-sm font-medium">New password<input name="new" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} className={input} /></label>
      <label className="block text-sm font-medium">Repeat the new password<input name="repeat" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} className={input} /></label>
      <p className="text-xs text-slate-500">At least {MIN_LENGTH} characters.</p>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p>}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
        {busy ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}
