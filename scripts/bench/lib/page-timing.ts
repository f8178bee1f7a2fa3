// How long a page takes in a real browser, from the browser's own clock (Navigation Timing): the first
// byte of the document, the end of the load event, and "settled": the moment no "Loading…" text and
// nothing marked busy is left (client panels have their data), as the accessibility journey waits for.
import type { Page } from "@playwright/test";

export type PageTiming = { status: number; firstByteMs: number; loadMs: number; settledMs: number };

export async function timePageLoad(page: Page, url: string): Promise<PageTiming> {
  const response = await page.goto(url, { waitUntil: "load" });
  const settled = await page
    .waitForFunction(
      () => {
        if (document.readyState !== "complete") return false;
        const busy = document.querySelector("[aria-busy='true']") || /Loading[ ….]/.test(document.body.innerText);
        return busy ? false : performance.now();
      },
      null,
      { timeout: 15_000, polling: "raf" },
    )
    .then((h) => h.jsonValue() as Promise<number>)
    .catch(() => Number.POSITIVE_INFINITY); // never settled within 15 s: a miss, shown as such
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { firstByteMs: n.responseStart - n.startTime, loadMs: n.loadEventEnd - n.startTime };
  });
  return { status: response?.status() ?? 0, ...nav, settledMs: Math.max(settled, nav.loadMs) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One warm-up load, then the median of `runs` loads, each figure on its own. */
export async function medianPageLoad(page: Page, url: string, runs: number): Promise<PageTiming> {
  await timePageLoad(page, url);
  const all: PageTiming[] = [];
  for (let i = 0; i < runs; i++) all.push(await timePageLoad(page, url));
  return {
    status: all.find((t) => t.status !== 200)?.status ?? 200,
    firstByteMs: median(all.map((t) => t.firstByteMs)),
    loadMs: median(all.map((t) => t.loadMs)),
    settledMs: median(all.map((t) => t.settledMs)),
  };
}
