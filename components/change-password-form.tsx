"use client";
import { useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import type { BodyOf } from "@/lib/api/contract";
import type { changePassword } from "@/lib/api/contracts/account";
import { FieldError, inputClass } from "./ui";

const MIN_LENGTH = 12;
type Field = "currentPassword" | "newPassword" | "repeat";

/**
 * Changing one's own password. The server re-issues this browser's session and ends the others;
 * `then`: "home" goes on into the app (the first-password page), "stay" says so in place (the profile page).
 */
export function ChangePasswordForm({ then = "home" }: { then?: "home" | "stay" }) {
  const [error, setError] = useState<{ field: Field | null; message: string }>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const body: BodyOf<typeof changePassword> = { currentPassword: String(f.get("current")), newPassword: String(f.get("new")) };
    if (body.newPassword !== String(f.get("repeat"))) return setError({ field: "repeat", message: "The new passwords differ." });
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await apiFetch(null, "/api/v1/me/password", { method: "POST", body });
      if (then === "home") {
        window.location.href = "/";
        return;
      }
      form.reset();
      setDone(true);
    } catch (err) {
      const input = err instanceof ApiFetchError ? err.input : null;
      setError({ field: input === "currentPassword" || input === "newPassword" ? input : null, message: (err as Error).message });
    }
    setBusy(false);
  }

  // the server's message goes under the input it concerns, and the input says so to screen readers
  const described = (field: Field) => (error?.field === field ? { "aria-invalid": true, "aria-describedby": `${field}-error` } : {});
  const input = `mt-1 w-full ${inputClass}`;
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <label className="block text-sm font-medium">Current password<input name="current" type="password" autoComplete="current-password" required className={input} {...described("currentPassword")} /></label>
      {error?.field === "currentPassword" && <FieldError id="currentPassword-error" message={error.message} />}
      <label className="block text-sm font-medium">New password<input name="new" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} className={input} {...described("newPassword")} /></label>
      {error?.field === "newPassword" && <FieldError id="newPassword-error" message={error.message} />}
      <label className="block text-sm font-medium">Repeat the new password<input name="repeat" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} className={input} {...described("repeat")} /></label>
      {error?.field === "repeat" && <FieldError id="repeat-error" message={error.message} />}
      <p className="text-xs text-slate-500">At least {MIN_LENGTH} characters. Changing it signs you out everywhere else.</p>
      {error && error.field === null && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error.message}</p>}
      {done && <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">Password changed. Your other sessions have ended; this one goes on.</p>}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
        {busy ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}
