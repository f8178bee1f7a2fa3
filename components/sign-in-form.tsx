"use client";
import { getCsrfToken, signIn } from "next-auth/react";
import { useState } from "react";

/**
 * Credentials go straight to next-auth's callback (not through `signIn("credentials")`), so that the
 * throttle's 429 and its Retry-After reach the form: next-auth's client would only say "error".
 */
async function signInWithPassword(email: string, password: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const csrfToken = (await getCsrfToken()) ?? "";
  const res = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${window.location.origin}/`, json: "true" }),
  });
  const json = await res.json().catch(() => null);
  if (res.status === 429) {
    const minutes = Math.ceil(Number(res.headers.get("retry-after") ?? 60) / 60);
    return { ok: false, message: json?.error?.message ? `${capitalise(json.error.message)}.` : `Too many failed sign-ins. Try again in ${minutes} minutes.` };
  }
  const url = typeof json?.url === "string" ? json.url : "";
  if (res.ok && url && !new URL(url, window.location.origin).searchParams.get("error")) return { ok: true };
  return { ok: false, message: "Wrong email or password." };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function SignInForm({ initialError, oidc }: { initialError?: string; oidc: boolean }) {
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    const res = await signInWithPassword(String(form.get("email") ?? ""), String(form.get("password") ?? "")).catch(() => ({ ok: false as const, message: "Could not reach the server; try again." }));
    if (res.ok) window.location.href = "/";
    else {
      setBusy(false);
      setError(res.message);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2" />
      </label>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p>}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60">
        {busy ? "Signing in…" : "Sign in"}
      </button>
      {oidc && (
        <button type="button" onClick={() => signIn("oidc", { callbackUrl: "/" })} className="w-full rounded-md border border-slate-300 px-3 py-2 font-medium">
          Sign in with single sign-on
        </button>
      )}
    </form>
  );
}
