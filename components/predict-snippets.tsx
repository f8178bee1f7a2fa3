"use client";
// The gateway URL and copy-paste requests for an endpoint (built on the server by lib/web/predict-snippets.ts).
import { useState } from "react";
import type { SnippetSet } from "@/lib/web/predict-snippets";
import { Card } from "./ui";

const PROTOCOLS = { instances: "POST /v1/endpoints/…/predict (instances)", v2: "Open Inference Protocol v2" } as const;
const LANGUAGES = { curl: "curl", python: "Python (requests)" } as const;

export function PredictSnippets({ gatewayUrl, set, basis }: { gatewayUrl: string; set: SnippetSet; basis: string }) {
  const [pick, setPick] = useState(0);
  const [copied, setCopied] = useState<number | null>(null);
  const s = set.snippets[pick];
  const copy = async () => {
    await navigator.clipboard?.writeText(s.code).catch(() => {});
    setCopied(pick);
    setTimeout(() => setCopied(null), 1500);
  };
  return (
    <Card title="Call this endpoint">
      <p className="text-sm">Gateway: <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs" data-testid="gateway-url">{gatewayUrl}</code></p>
      <p className="mt-1 text-xs text-slate-500">Example inputs from {basis}.</p>
      <div className="mt-3 flex flex-wrap gap-1" role="tablist" aria-label="Request examples">
        {set.snippets.map((x, i) => (
          <button key={i} type="button" role="tab" aria-selected={i === pick} onClick={() => setPick(i)}
            className={`rounded-md px-2 py-1 text-xs font-medium ${i === pick ? "bg-indigo-600 text-white" : "border border-slate-300 text-slate-700 hover:bg-slate-50"}`}>
            {LANGUAGES[x.language]} · {PROTOCOLS[x.protocol]}
          </button>
        ))}
      </div>
      {s && (
        <div className="relative mt-2" role="tabpanel">
          <pre tabIndex={0} aria-label={`${LANGUAGES[s.language]}, ${PROTOCOLS[s.protocol]}: example request`} className="max-h-80 max-w-full overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100" data-testid="predict-snippet"><code>{s.code}</code></pre>
          <button type="button" onClick={copy} className="absolute right-2 top-2 rounded bg-white/90 px-2 py-0.5 text-xs font-medium text-slate-800 hover:bg-white">
            {copied === pick ? "Copied" : "Copy"}
          </button>
        </div>
      )}
      {set.notes.map((n) => <p key={n} className="mt-2 text-xs text-slate-600">{n}</p>)}
    </Card>
  );
}
