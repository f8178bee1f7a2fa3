"use client";
// Upload a version by drag and drop: the ONNX file, and optionally metrics and params (JSON objects)
// and reference data for drift reports (a CSV with a header, or JSON Lines), sent as it is as the
// `reference` part: the server checks it against the model's inputs, whatever its size. JSON that does
// not parse is caught here first; the server's validation is shown next to the part it names. A failed
// or cancelled upload stores nothing: the server removes its temp files.
import { useRouter } from "next/navigation";
import Link from "next/link";
import { useRef, useState } from "react";
import { useHydrated } from "@/lib/web/use-hydrated";
import type { ResponseOf } from "@/lib/api/contract";
import type { createVersion } from "@/lib/api/contracts/models";
import { ApiFetchError } from "@/lib/web/api-fetch";
import { uploadWithProgress } from "@/lib/web/upload-with-progress";
import { Card, ErrorBox } from "./ui";
import { errorFor, FieldError, inputClass } from "./field";

type Slot = "file" | "metrics" | "params" | "reference";
const SLOTS: { slot: Slot; label: string; accept: string; hint: string }[] = [
  { slot: "file", label: "ONNX model", accept: ".onnx", hint: "required" },
  { slot: "metrics", label: "Metrics JSON", accept: ".json,application/json", hint: '{"auc": 0.81}' },
  { slot: "params", label: "Params JSON", accept: ".json,application/json", hint: '{"max_depth": 6}' },
  { slot: "reference", label: "Reference data", accept: ".csv,text/csv,.jsonl,.ndjson", hint: "CSV with a header, or JSON Lines" },
];

/** Which slot a dropped file fills: by extension; a JSON file whose name says "param" is the params. */
function slotOf(file: File, taken: Partial<Record<Slot, File>>): Slot | null {
  const name = file.name.toLowerCase();
  if (name.endsWith(".onnx")) return "file";
  if (name.endsWith(".csv") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "reference";
  if (name.endsWith(".json")) return /param/.test(name) ? "params" : /metric/.test(name) || !taken.metrics ? "metrics" : "params";
  return null;
}

async function readJsonObject(file: File): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not valid JSON`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`${file.name} must hold one JSON object, e.g. {"auc": 0.81}`);
  return value as Record<string, unknown>;
}

type Progress = { sent: number; total: number } | null;

/** Opened by `?upload=1` (a plain link: it opens before scripts load); every control waits for them. */
export function UploadVersion({ team, model, open, openHref, closeHref }: { team: string; model: string; open: boolean; openHref: string; closeHref: string }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [files, setFiles] = useState<Partial<Record<Slot, File>>>({});
  const [local, setLocal] = useState<Partial<Record<Slot | "form", string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<Progress>(null);
  const [dragging, setDragging] = useState(false);
  const abort = useRef<(() => void) | null>(null);
  const busy = progress !== null;

  function place(list: FileList | File[], into?: Slot) {
    const next = { ...files };
    const problems: Partial<Record<Slot | "form", string>> = {};
    for (const f of Array.from(list)) {
      const slot = into ?? slotOf(f, next);
      if (!slot) problems.form = `${f.name}: drop an .onnx model, .json metrics or params, or .csv or .jsonl reference data`;
      else next[slot] = f;
    }
    setFiles(next);
    setLocal(problems);
    setError(null);
  }

  async function metadataOf(form: FormData): Promise<Record<string, unknown> | null> {
    const problems: Partial<Record<Slot | "form", string>> = {};
    const meta: Record<string, unknown> = {};
    if (!files.file) problems.file = "choose or drop the .onnx file";
    for (const slot of ["metrics", "params"] as const) {
      const f = files[slot];
      if (f) meta[slot] = await readJsonObject(f).catch((e: Error) => { problems[slot] = e.message; });
    }
    const text = (k: string) => String(form.get(k) ?? "").trim();
    if (text("description")) meta.description = text("description");
    if (text("dataset")) meta.dataset = text("dataset");
    const tags = text("tags").split(",").map((t) => t.trim()).filter(Boolean);
    if (tags.length) meta.tags = tags;
    if (text("parentVersion")) meta.parentVersion = /^\d+$/.test(text("parentVersion")) ? Number(text("parentVersion")) : text("parentVersion");
    setLocal(problems);
    return Object.keys(problems).length ? null : meta;
  }

  async function onSubmit(ev: React.FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    setError(null);
    const meta = await metadataOf(new FormData(ev.currentTarget));
    if (!meta || !files.file) return;
    const body = new FormData();
    body.set("metadata", JSON.stringify(meta));
    body.set("file", files.file, files.file.name);
    if (files.reference) body.set("reference", files.reference, files.reference.name);
    setProgress({ sent: 0, total: files.file.size + (files.reference?.size ?? 0) });
    const up = uploadWithProgress<ResponseOf<typeof createVersion>>(team, `/api/v1/models/${encodeURIComponent(model)}/versions`, body, (sent, total) => setProgress({ sent, total }));
    abort.current = up.abort;
    try {
      const v = await up.done;
      router.push(`/t/${team}/models/${model}/versions/${v.number}`);
    } catch (err) {
      setError(err);
      setProgress(null);
    } finally {
      abort.current = null;
    }
  }

  if (!open) return <Link href={openHref} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">Upload version</Link>;

  // the server's answer, next to the part it concerns: metadata fields by name, the file's own checks under the file
  const serverFor = (slot: Slot) => {
    const named = errorFor(error, slot);
    if (named) return named;
    if (slot === "file" && error instanceof ApiFetchError && !error.input && (/^file\b/.test(error.message) || [413, 422, 503].includes(error.status))) return error.message;
    return null;
  };
  const textInputs = ["description", "tags", "dataset", "parentVersion"];
  const unplaced = error && !SLOTS.some((s) => serverFor(s.slot)) && !textInputs.some((t) => errorFor(error, t)) ? (error as Error).message : null;
  const percent = progress && progress.total ? Math.min(100, Math.round((progress.sent / progress.total) * 100)) : 0;

  return (
    <Card title={`Upload a version of ${model}`} className="mb-6 w-full">
      <form onSubmit={onSubmit} aria-label="Upload version" className="space-y-4">
        <fieldset disabled={!hydrated} className="space-y-4">
        <div
          data-testid="drop-zone"
          onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => { e.preventDefault(); setDragging(false); place(e.dataTransfer.files); }}
          className={`rounded-lg border-2 border-dashed p-4 ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300"}`}
        >
          <p className="mb-3 text-sm text-slate-600">Drop the files here (the .onnx model, metrics.json, params.json, reference data as .csv or .jsonl), or choose each one:</p>
          <div className="grid gap-3 md:grid-cols-4">
            {SLOTS.map(({ slot, label, accept, hint }) => {
              const message = local[slot] ?? serverFor(slot);
              return (
                <div key={slot} onDrop={(e) => { e.preventDefault(); e.stopPropagation(); setDragging(false); place(e.dataTransfer.files, slot); }} onDragOver={(e) => e.preventDefault()}>
                  <label className="block text-sm font-medium">{label} <span className="font-normal text-slate-500">({hint})</span>
                    <input type="file" name={slot} accept={accept} disabled={busy} aria-invalid={Boolean(message)} aria-describedby={`upload-${slot}-error`}
                      onChange={(e) => e.target.files?.length && place(e.target.files, slot)}
                      className="mt-1 block w-full text-xs file:mr-2 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2 file:py-1" />
                  </label>
                  <p className="mt-1 truncate text-xs text-slate-600" data-testid={`upload-${slot}-name`}>{files[slot] ? `${files[slot]!.name} · ${(files[slot]!.size / 1024).toFixed(1)} KiB` : "—"}</p>
                  <FieldError id={`upload-${slot}-error`} message={message} />
                </div>
              );
            })}
          </div>
          {local.form && <p role="alert" className="mt-2 text-xs text-red-700">{local.form}</p>}
        </div>
        <div className="grid gap-4 md:grid-cols-4">
          <label className="text-sm font-medium md:col-span-2">Description
            <input name="description" maxLength={2000} disabled={busy} aria-invalid={Boolean(errorFor(error, "description"))} aria-describedby="upload-description-error" className={inputClass} />
            <FieldError id="upload-description-error" message={errorFor(error, "description")} />
          </label>
          <label className="text-sm font-medium">Tags <span className="font-normal text-slate-500">(comma-separated)</span>
            <input name="tags" disabled={busy} placeholder="nightly, candidate" aria-invalid={Boolean(errorFor(error, "tags"))} aria-describedby="upload-tags-error" className={inputClass} />
            <FieldError id="upload-tags-error" message={errorFor(error, "tags")} />
          </label>
          <label className="text-sm font-medium">Dataset
            <input name="dataset" disabled={busy} placeholder="german-credit-2024" aria-invalid={Boolean(errorFor(error, "dataset"))} aria-describedby="upload-dataset-error" className={inputClass} />
            <FieldError id="upload-dataset-error" message={errorFor(error, "dataset")} />
          </label>
          <label className="text-sm font-medium">Parent version
            <input name="parentVersion" inputMode="numeric" disabled={busy} placeholder="e.g. 3" aria-invalid={Boolean(errorFor(error, "parentVersion"))} aria-describedby="upload-parentVersion-error" className={inputClass} />
            <FieldError id="upload-parentVersion-error" message={errorFor(error, "parentVersion")} />
          </label>
        </div>
        {progress && (
          <div className="space-y-1" aria-live="polite">
            <div role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 overflow-hidden rounded-full bg-slate-200">
              <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
            </div>
            <p className="text-xs text-slate-600">{percent < 100 ? `Uploading… ${percent}%` : `Uploaded; the server is checking the model (static checks, then a test load)${files.reference ? " and the reference data" : ""}…`}</p>
          </div>
        )}
        </fieldset>
        {unplaced && <ErrorBox message={unplaced} />}
        <div className="flex gap-2">
          <button type="submit" disabled={!hydrated || busy} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60">{busy ? "Uploading…" : "Upload"}</button>
          {busy
            ? <button type="button" onClick={() => abort.current?.()} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Cancel upload</button>
            : <Link href={closeHref} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm">Close</Link>}
        </div>
      </form>
    </Card>
  );
}
