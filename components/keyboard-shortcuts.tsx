"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { isTyping, readShortcut, SEARCH_SELECTORS, SEQUENCE_TIMEOUT_MS } from "@/lib/web/shortcuts";

/** `/` focuses the page's search box; `g m` / `g e` go to models / endpoints (lib/web/shortcuts.ts). */
export function KeyboardShortcuts({ team }: { team: string }) {
  const router = useRouter();
  useEffect(() => {
    let keys: string[] = [];
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target as HTMLElement | null)) return;
      if (e.key.length !== 1) return; // Shift, arrows, Tab…: neither part of a shortcut nor a reason to forget one
      const now = Date.now();
      if (now - last > SEQUENCE_TIMEOUT_MS) keys = [];
      last = now;
      keys.push(e.key);
      const reading = readShortcut(keys);
      if (reading.kind === "wait") return;
      keys = [];
      if (reading.kind === "search") {
        const box = SEARCH_SELECTORS.map((s) => document.querySelector<HTMLElement>(s)).find(Boolean);
        if (!box) return;
        e.preventDefault(); // the "/" must not land in the box it focuses
        box.focus();
      } else if (reading.kind === "go") {
        e.preventDefault();
        router.push(`/t/${team}/${reading.to}`);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [router, team]);
  return null;
}
