"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useHydrated } from "@/lib/web/use-hydrated";

export const MAX_COMPARE = 4;

/**
 * Wraps the versions table: its checkboxes (name "v") pick 2–4 versions, and Compare opens
 * …/compare?v=1,2,3 in the order they were ticked (the first is the one the others are measured against).
 */
export function CompareSelection({ action, children }: { action: string; children: React.ReactNode }) {
  const router = useRouter();
  const [picked, setPicked] = useState<string[]>([]);
  const hydrated = useHydrated();
  function onChange(ev: React.ChangeEvent<HTMLFormElement>) {
    const box = ev.target as unknown as HTMLInputElement;
    if (box.name !== "v") return;
    if (box.checked && picked.length >= MAX_COMPARE) {
      box.checked = false;
      return;
    }
    setPicked((p) => (box.checked ? [...p.filter((x) => x !== box.value), box.value] : p.filter((x) => x !== box.value)));
  }
  const ready = picked.length >= 2;
  return (
    <form action={action} method="get" onChange={onChange} onSubmit={(ev) => { ev.preventDefault(); if (ready) router.push(`${action}?v=${picked.join(",")}`); }}>
      <div className="mb-3 flex flex-wrap items-center gap-3 text-sm" aria-live="polite">
        <button type="submit" disabled={!ready} className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white disabled:opacity-50">
          Compare{picked.length ? ` ${picked.map((n) => `v${n}`).join(", ")}` : ""}
        </button>
        <span className="text-slate-500">{picked.length < 2 ? "Tick 2 to 4 versions to compare them." : picked.length >= MAX_COMPARE ? `At most ${MAX_COMPARE} at once.` : ""}</span>
      </div>
      {/* the boxes wait for scripts: a tick before them would not be counted */}
      <fieldset disabled={!hydrated} className="contents">{children}</fieldset>
    </form>
  );
}
