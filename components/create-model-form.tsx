"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useHydrated } from "@/lib/web/use-hydrated";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { createModel } from "@/lib/api/contracts/models";
import { Card, ErrorBox } from "./ui";
import { errorFor, FieldError, formError, inputClass } from "./field";

const FIELDS = ["name", "task", "description"];
const TASKS = ["binary_classification", "multiclass_classification", "regression", "ranking", "other"];

/**
 * Registers a model; the server's answer for a field shows under it, and what was typed stays.
 * Opened by `?new=1` (a plain link, so it opens before scripts load and can be shared).
 */
export function CreateModelForm({ team, open, closeHref, openHref }: { team: string; open: boolean; openHref: string; closeHref: string }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const create = useMutation({
    mutationFn: (body: { name: string; task: string; description?: string }) => apiFetch<ResponseOf<typeof createModel>>(team, "/api/v1/models", { method: "POST", body }),
    onSuccess: (m) => router.push(`/t/${team}/models/${m.name}`),
  });
  if (!open) {
    return <Link href={openHref} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">New model</Link>;
  }
  const err = create.error;
  const nameError = errorFor(err, "name") ?? (err && /already exists/.test(err.message) ? err.message : null);
  function onSubmit(ev: React.FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget);
    const description = String(f.get("description") ?? "").trim();
    create.mutate({ name: String(f.get("name") ?? "").trim(), task: String(f.get("task")), ...(description ? { description } : {}) });
  }
  return (
    <Card title="New model" className="mb-6 w-full">
      <form onSubmit={onSubmit} className="grid gap-4 md:grid-cols-[minmax(0,14rem)_minmax(0,14rem)_minmax(0,1fr)_auto] md:items-start" aria-label="New model">
        <label className="text-sm font-medium">Name
          <input name="name" required autoFocus placeholder="fraud-scoring" aria-invalid={Boolean(nameError)} aria-describedby="model-name-error" className={inputClass} />
          <FieldError id="model-name-error" message={nameError} />
        </label>
        <label className="text-sm font-medium">Task
          <select name="task" defaultValue="binary_classification" aria-invalid={Boolean(errorFor(err, "task"))} aria-describedby="model-task-error" className={inputClass}>
            {TASKS.map((t) => <option key={t} value={t}>{t.replace(/_/g, " ")}</option>)}
          </select>
          <FieldError id="model-task-error" message={errorFor(err, "task")} />
        </label>
        <label className="text-sm font-medium">Description
          <input name="description" maxLength={2000} placeholder="What it predicts, for whom" aria-invalid={Boolean(errorFor(err, "description"))} aria-describedby="model-description-error" className={inputClass} />
          <FieldError id="model-description-error" message={errorFor(err, "description")} />
        </label>
        <div className="flex gap-2 md:mt-6">
          <button type="submit" disabled={!hydrated || create.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">{create.isPending ? "Creating…" : "Create model"}</button>
          <Link href={closeHref} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Cancel</Link>
        </div>
      </form>
      {!nameError && formError(err, FIELDS) && <div className="mt-3"><ErrorBox message={formError(err, FIELDS)!} /></div>}
    </Card>
  );
}
