// Keyboard shortcuts of the console, as a pure function of the keys pressed so far (the component in
// components/keyboard-shortcuts.tsx feeds it and carries out its answer):
//   /      focus the page's search box: the element marked `data-search` (pages and panels mark their
//          main search or filter input with it), else the first input of a `role="search"` form
//   g m    go to the models list        g e    go to the endpoints list
// Keys typed into inputs, text areas, selects and editable content are never shortcuts, nor are keys
// held with Ctrl, Cmd or Alt (the browser's own).

export type Shortcut = { kind: "search" } | { kind: "go"; to: "models" | "endpoints" };
/** `wait`: the keys so far begin a shortcut; `none`: they are no shortcut (start again). */
export type Reading = Shortcut | { kind: "wait" } | { kind: "none" };

/** How long the second key of `g m` may follow the first. */
export const SEQUENCE_TIMEOUT_MS = 1000;

const GO: Record<string, "models" | "endpoints"> = { m: "models", e: "endpoints" };

/** What the keys pressed so far (oldest first, each a KeyboardEvent.key) mean. */
export function readShortcut(keys: readonly string[]): Reading {
  if (keys.length === 1) {
    if (keys[0] === "/") return { kind: "search" };
    if (keys[0] === "g") return { kind: "wait" };
  }
  if (keys.length === 2 && keys[0] === "g" && GO[keys[1]]) return { kind: "go", to: GO[keys[1]] };
  return { kind: "none" };
}

type KeyTarget = { tagName?: string; isContentEditable?: boolean; type?: string } | null;
const NOT_TYPING_INPUTS = new Set(["button", "checkbox", "radio", "submit", "reset", "range", "color", "file", "image"]);

/** Whether a key went to something the person types into (then it is text, not a shortcut). */
export function isTyping(target: KeyTarget): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  return tag === "input" && !NOT_TYPING_INPUTS.has((target.type ?? "text").toLowerCase());
}

/** The CSS selectors `/` tries, in order: the page's marked search box first. */
export const SEARCH_SELECTORS = ["[data-search]", "[role=search] input", "input[type=search]"];
