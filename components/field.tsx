import { ApiFetchError } from "@/lib/web/api-fetch";

export const inputClass = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm font-normal aria-[invalid=true]:border-red-500";

/** The API's error for the form input `name` (or one inside it: `metrics` for `metrics.auc`), if it concerns that input. */
export function errorFor(err: unknown, name: string): string | null {
  if (!(err instanceof ApiFetchError) || !err.input) return null;
  return err.input === name || err.input.startsWith(`${name}.`) ? err.message : null;
}

/** An error the form cannot put next to one field (or that names none). */
export function formError(err: unknown, fields: string[]): string | null {
  if (!err) return null;
  if (err instanceof ApiFetchError && err.input && fields.some((f) => errorFor(err, f))) return null;
  return err instanceof Error ? err.message : String(err);
}

export function FieldError({ id, message }: { id: string; message: string | null | undefined }) {
  if (!message) return null;
  return <p id={id} role="alert" className="mt-1 text-xs font-normal text-red-700">{message}</p>;
}
