"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { apiFetch } from "@/lib/web/api-fetch";
import { Card, ErrorBox } from "./ui";
import type { ResponseOf } from "@/lib/api/contract";
import type { createEndpoint } from "@/lib/api/contracts/endpoints";

export function NewEndpointForm({ team, canProduction }: { team: string; canProduction: boolean }) {
  const router = useRouter();
  const create = useMutation({
    mutationFn: (body: object) => apiFetch<ResponseOf<typeof createEndpoint>>(team, "/api/v1/endpoints", { method: "POST", body }),
    onSuccess: (e) => router.push(`/t/${team}/endpoints/${e.name}`),
  });
  function onSubmit(ev: React.FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    const header = String(f.get("sticky") ?? "").trim();
    create.mutate({ name: f.get("name"), environment: f.get("environment"), description: f.get("description") || undefined, sticky: header ? { header } : undefined });
  }
  return (
    <Card title="New endpoint" className="mb-6">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-4">
        <label className="text-sm font-medium">Name<input name="name" required pattern="[a-z0-9][a-z0-9\-_.]*" placeholder="fraud-scoring" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5" /></label>
        <label className="text-sm font-medium">Environment
          <select name="environment" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5">
            <option value="staging">staging</option>
            {canProduction && <option value="production">production</option>}
          </select>
        </label>
        <label className="text-sm font-medium">Sticky header (A/B)<input name="sticky" placeholder="x-user-id" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5" /></label>
        <label className="text-sm font-medium">Description<input name="description" className="mt-1 block rounded-md border border-slate-300 px-3 py-1.5" /></label>
        <button type="submit" disabled={create.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Create endpoint</button>
      </form>
      {create.error && <div className="mt-3"><ErrorBox message={create.error.message} /></div>}
    </Card>
  );
}
