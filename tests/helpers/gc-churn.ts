// Child process for tests/unit/heap-growth.test.ts: sets the heap growth given as argv[2] the way the job
// workers do at start (at run time, not on the command line), then allocates as ingest does (arrays that
// live long enough to be promoted, over a live heap of about 40 MB) and prints how many full
// (mark-compact) collections that took.
import { constants, PerformanceObserver } from "node:perf_hooks";
import { setHeapGrowth } from "../../lib/proc/heap-growth";

setHeapGrowth(Number(process.argv[2]));
let full = 0;
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
});
observer.observe({ entryTypes: ["gc"] });
const live: number[][] = [];
for (let i = 0; i < 160; i++) live.push(new Array(32_000).fill(i));
// a ring of 2,000 arrays of 16 KB: each lives through 32 MB of allocation, past the young generation
const ring: number[][] = new Array(2_000);
for (let i = 0; i < 24_000; i++) {
  ring[i % ring.length] = new Array(2_000).fill(i);
  // the observer's entries arrive between tasks
  if (i % 1_000 === 999) await new Promise((r) => setTimeout(r, 1));
}
await new Promise((r) => setTimeout(r, 20));
observer.disconnect();
// the lengths keep both lists alive to the end
process.stdout.write(`${full} ${live.length + ring.length}\n`);
