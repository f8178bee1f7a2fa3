"use client";
import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * False in the server's HTML and until React has attached its handlers, then true. Controls that only
 * work with scripts are disabled until then, so an early click is never silently lost (and browser
 * tests, which wait for a control to be enabled, wait for it too).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(noop, () => true, () => false);
}
