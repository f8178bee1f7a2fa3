"use client";
import { useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import type { BodyOf, ResponseOf } from "@/lib/api/contract";
import type { updateProfile } from "@/lib/api/contracts/account";
import { FieldError, inputClass } from "./ui";

/** One's own name; what the person typed stays when the server refuses it. */
export function ProfileNameForm({ team, name }: { team: string; name: string }) {
  const [value, setValue] = useState(name);
  const [saved, setSaved] = useState(name);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: BodyOf<typeof updateProfile> = { name: value };
      const r = await apiFetch<ResponseOf<typeof updateProfile>>(team, "/api/v1/me", { method: "PUT", body });
      setValue(r.name);
      setSaved(r.name);
    } catch (err) {
      setError(err instanceof ApiFetchError || err instanceof Error ? err.message : String(err));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-start gap-3">
      <div>
        <label htmlFor="profile-name" className="block text-sm font-medium">Name</label>
        <input
          id="profile-name" name="name" value={value} onChange={(e) => setValue(e.target.value)} required maxLength={100} autoComplete="name"
          className={`mt-1 w-72 ${inputClass}`} aria-invalid={error ? true : undefined} aria-describedby={error ? "profile-name-error" : undefined}
        />
        {error && <FieldError id="profile-name-error" message={error} />}
      </div>
      <button type="submit" disabled={busy || value.trim() === saved} className="mt-6 rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
        {busy ? "Saving…" : "Save name"}
      </button>
    </form>
  );
}
