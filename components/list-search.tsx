import Form from "next/form";
import Link from "next/link";
import { th } from "./ui";
import { inputClass } from "./field";

export type SearchField = { name: string; label: string; value?: string; placeholder?: string; error?: string | null; wide?: boolean };

/**
 * The filter row of a list page: a GET form, so the filters land in the URL (shareable, and it works
 * before scripts load); `keep` carries the sort along, while a new search starts again at page one.
 */
export function ListSearch({ action, fields, keep = {} }: { action: string; fields: SearchField[]; keep?: Record<string, string | undefined> }) {
  return (
    <Form action={action} className="mb-4 flex flex-wrap items-start gap-3" role="search">
      {fields.map((f) => (
        <label key={f.name} className={`text-sm font-medium ${f.wide ? "min-w-56 flex-1" : "w-48"}`}>{f.label}
          <input type="search" name={f.name} defaultValue={f.value ?? ""} placeholder={f.placeholder} aria-invalid={Boolean(f.error)} aria-describedby={`${f.name}-error`} className={inputClass} />
          {f.error && <p id={`${f.name}-error`} role="alert" className="mt-1 text-xs font-normal text-red-700">{f.error}</p>}
        </label>
      ))}
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <button type="submit" className="mt-6 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50">Apply</button>
    </Form>
  );
}

/** A column header that sorts the list by its field, showing the direction when it does. */
export function SortHeader({ label, href, dir }: { label: string; href: string; dir: "asc" | "desc" | null }) {
  return (
    <th className={th} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : undefined}>
      <Link href={href} className="inline-flex items-center gap-1 hover:text-slate-800">
        {label}<span aria-hidden className="text-slate-500">{dir === "asc" ? "▲" : dir === "desc" ? "▼" : "↕"}</span>
      </Link>
    </th>
  );
}

export const sortDir = (current: string, field: string): "asc" | "desc" | null => (current === field ? "asc" : current === `-${field}` ? "desc" : null);

/** Next page (by cursor) and back to the first one. */
export function Pager({ first, next }: { first: string | null; next: string | null }) {
  if (!first && !next) return null;
  return (
    <nav aria-label="Pages" className="mt-3 flex items-center justify-end gap-3 text-sm">
      {first && <Link href={first} className="font-medium text-indigo-700 hover:underline">← First page</Link>}
      {next && <Link href={next} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50">Next page →</Link>}
    </nav>
  );
}
