import Link from "next/link";

export function PageHeader({ title, subtitle, actions }: { title: React.ReactNode; subtitle?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="truncate text-2xl font-semibold">{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-slate-500">{subtitle}</p>}
      </div>
      {actions}
    </div>
  );
}

export function Card({ title, children, className = "" }: { title?: React.ReactNode; children: React.ReactNode; className?: string }) {
  return (
    <section className={`min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm ${className}`}>
      {title && <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">{title}</h2>}
      {children}
    </section>
  );
}

export function Badge({ children, tone = "slate" }: { children: React.ReactNode; tone?: "slate" | "indigo" | "green" | "amber" | "red" }) {
  const tones = {
    slate: "bg-slate-100 text-slate-700",
    indigo: "bg-indigo-100 text-indigo-700",
    green: "bg-green-100 text-green-800",
    amber: "bg-amber-100 text-amber-800",
    red: "bg-red-100 text-red-700",
  };
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>;
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-500">{children}</div>}
    </div>
  );
}

/** A server's validation message under the input it concerns (give the input `aria-describedby={id}`). */
export function FieldError({ id, message }: { id: string; message: string }) {
  return <p id={id} role="alert" className="mt-1 text-sm text-red-700">{message}</p>;
}

/** Text inputs and selects: one look everywhere, readable in both colour schemes. */
export const inputClass = "rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900";

export function ErrorBox({ message }: { message: string }) {
  return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{message}</p>;
}

/** Wide tables scroll inside their card, so the page itself never scrolls sideways on a phone. */
export function TableWrap({ children }: { children: React.ReactNode }) {
  // relative: positioned children (screen-reader-only header text) stay inside the scroll box, not out on the page
  return <div className="relative -mx-4 overflow-x-auto px-4">{children}</div>;
}

export const th = "whitespace-nowrap border-b border-slate-200 px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
export const td = "whitespace-nowrap border-b border-slate-100 px-3 py-2 text-sm";

export function A({ href, children }: { href: string; children: React.ReactNode }) {
  return <Link href={href} className="font-medium text-indigo-700 hover:underline">{children}</Link>;
}

export function when(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
