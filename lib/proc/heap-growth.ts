// How far V8 lets the old generation grow past what survived the last full collection before it
// collects again. Left to itself V8 picks a factor from its own measure of GC speed, and for the job
// workers it picked a small one: ingest keeps a batch's blocks alive across its Postgres round trips
// (INGEST_LINGER_MS and the write), so they are promoted, and a heap of about 50 MB live was
// collected in full about once a second at 5,000 records/s. With growth 300% (factor 4) the same
// stream costs the job workers about 30% less CPU, for a heap up to about four times what is live
// (`npm run bench:ingest-process` compares the settings).
//
// Set at run time, not on the command line, so every way of starting the process (npm start, docker
// compose, tests) gets it: V8 reads this flag each time it sets the next collection's limit, after
// choosing its own factor, so it also replaces the smaller factors V8 uses to save memory (when idle,
// near the heap limit). What still bounds the heap is --max-old-space-size (NODE_OPTIONS), which V8
// approaches halfway at a time; tests/unit/heap-growth.test.ts checks the flag still takes effect.
import v8 from "node:v8";

/** Sets V8's old-generation growing factor to 1 + percent/100; 0 leaves V8's own heuristic. */
export function setHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
