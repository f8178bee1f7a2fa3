"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useHydrated } from "@/lib/web/use-hydrated";
import { apiFetch } from "@/lib/web/api-fetch";
import type { BodyOf, ResponseOf } from "@/lib/api/contract";
import type { updateVersion } from "@/lib/api/contracts/models";
import { Badge, Card, ErrorBox } from "./ui";
import { errorFor, FieldError, formError, inputClass } from "./field";

type Version = ResponseOf<typeof updateVersion>;

/** The version's description and tags, edited in place (what was pushed — file, metrics, params — stays). */
export function VersionDetailsEditor({ team, model, version, canEdit }: { team: string; model: string; version: Pick<Version, "number" | "description" | "tags">; canEdit: boolean }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const hydrated = useHydrated();
  const [description, setDescription] = useState(version.description);
  const [tags, setTags] = useState(version.tags.join(", "));
  const save = useMutation({
    mutationFn: (body: BodyOf<typeof updateVersion>) => apiFetch<Version>(team, `/api/v1/models/${encodeURIComponent(model)}/versions/${version.number}`, { method: "PATCH", body }),
    onSuccess: () => { setEditing(false); router.refresh(); },
  });
  const err = save.error;
  if (!editing) {
    return (
      <Card title="Description and tags">
        <p className="whitespace-pre-wrap text-sm" data-testid="version-description">{version.description || <span className="text-slate-500">No description</span>}</p>
        <div className="mt-3 flex flex-wrap gap-1" data-testid="version-tags">{version.tags.length ? version.tags.map((t) => <Badge key={t}>{t}</Badge>) : <span className="text-sm text-slate-500">no tags</span>}</div>
        {canEdit && <button type="button" disabled={!hydrated} onClick={() => setEditing(true)} className="mt-3 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50">Edit</button>}
      </Card>
    );
  }
  return (
    <Card title="Description and tags">
      <form className="space-y-3" aria-label="Edit description and tags" onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ description: description.trim(), tags: tags.split(",").map((t) => t.trim()).filter(Boolean) });
      }}>
        <label className="block text-sm font-medium">Description
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={2000} autoFocus aria-invalid={Boolean(errorFor(err, "description"))} aria-describedby="edit-description-error" className={inputClass} />
          <FieldError id="edit-description-error" message={errorFor(err, "description")} />
        </label>
        <label className="block text-sm font-medium">Tags <span className="font-normal text-slate-500">(comma-separated)</span>
          <input value={tags} onChange={(e) => setTags(e.target.value)} aria-invalid={Boolean(errorFor(err, "tags"))} aria-describedby="edit-tags-error" className={inputClass} />
          <FieldError id="edit-tags-error" message={errorFor(err, "tags")} />
        </label>
        <div className="flex gap-2">
          <button type="submit" disabled={save.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">Save</button>
          <button type="button" onClick={() => { setEditing(false); save.reset(); setDescription(version.description); setTags(version.tags.join(", ")); }} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Cancel</button>
        </div>
        {formError(err, ["description", "tags"]) && <ErrorBox message={formError(err, ["description", "tags"])!} />}
      </form>
    </Card>
  );
}
