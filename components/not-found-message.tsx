"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { describeMissing } from "@/lib/web/url-params";

/**
 * The 404 message: inside a team, says what was not found (from the address) and links to the team's
 * lists; outside one (`scope="app"`, also a team one is not in) only the general message and Home.
 */
export function NotFoundMessage({ scope = "team" }: { scope?: "team" | "app" }) {
  const pathname = usePathname() ?? "";
  const slug = scope === "team" ? /^\/t\/([^/]+)/.exec(pathname)?.[1] : undefined;
  const { title, detail } = describeMissing(scope === "team" ? pathname : "");
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50";
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm" data-testid="not-found">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-1 text-2xl font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-slate-500">{detail}</p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        {slug ? (
          <>
            <Link className={link} href={`/t/${slug}/models`}>Models</Link>
            <Link className={link} href={`/t/${slug}/endpoints`}>Endpoints</Link>
          </>
        ) : (
          <Link className={link} href="/">Home</Link>
        )}
      </div>
    </div>
  );
}
