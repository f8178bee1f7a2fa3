"use client";
// "Deploy this version" on a version page: pick an endpoint, then its split editor opens with the
// version added as a canary (…/endpoints/{e}?deploy=model@version).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { apiFetch } from "@/lib/web/api-fetch";
import type { ResponseOf } from "@/lib/api/contract";
import type { listEndpoints } from "@/lib/api/contracts/endpoints";

export function DeployVersionButton({ team, model, version }: { team: string; model: string; version: number }) {
  const [open, setOpen] = useState(false);
  const endpoints = useQuery({
    queryKey: ["endpoints", team],
    queryFn: () => apiFetch<ResponseOf<typeof listEndpoints>>(team, "/api/v1/endpoints"),
    enabled: open,
  });
  const target = `${model}@${version}`;
  return (
    <div className="relative">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700">
        Deploy this version
      </button>
      {open && (
        <div className="absolute right-0 z-10 mt-1 w-72 rounded-md border border-slate-200 bg-white p-2 text-sm shadow-lg" role="dialog" aria-label="Choose an endpoint">
          <p className="px-2 pb-2 text-xs text-slate-500">Into which endpoint? Its split editor opens with v{version} added as a canary; nothing changes until you apply.</p>
          {endpoints.isPending ? <p className="px-2 py-1 text-slate-500">Loading endpoints…</p> : endpoints.error ? <p className="px-2 py-1 text-red-700">{endpoints.error.message}</p> : (
            <ul className="max-h-64 overflow-auto">
              {endpoints.data.endpoints.map((e) => {
                const serves = e.variants.some((v) => v.model === model && v.version === version);
                return (
                  <li key={e.name}>
                    <Link href={`/t/${team}/endpoints/${e.name}?deploy=${encodeURIComponent(target)}`} className="flex items-center justify-between gap-2 rounded px-2 py-1.5 hover:bg-slate-50">
                      <span className="font-medium text-indigo-700">{e.name}</span>
                      <span className="text-xs text-slate-500">{e.environment}{serves ? " · serves it" : ""}</span>
                    </Link>
                  </li>
                );
              })}
              {endpoints.data.endpoints.length === 0 && <li className="px-2 py-1 text-slate-500">No endpoints yet: <Link className="text-indigo-700 underline" href={`/t/${team}/endpoints`}>create one</Link>.</li>}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
