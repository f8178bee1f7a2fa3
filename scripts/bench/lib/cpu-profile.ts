// Reads V8 .cpuprofile files (node --cpu-prof) and prints the functions with the most self time, all
// files (one per thread and process: a gateway's cluster workers, tsx's loader thread) added together.
// `window` keeps the samples of one stretch, given as µs before each profile's end (the process's exit),
// so start-up and shut-down stay out of it.
import { readFileSync } from "node:fs";
import path from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

/** Self time by function (µs), busy time in all; returned for comparing two profiles (printProfileDelta). */
export type ProfileSummary = { selfUs: Map<string, number>; busyUs: number; requests?: number };

export function printProfile(files: string[], top: number, log: (m: string) => void, window?: { fromEndUs: number; toEndUs: number; requests?: number }): ProfileSummary {
  const selfUs = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const [from, to] = window ? [p.endTime - window.fromEndUs, p.endTime - window.toEndUs] : [-Infinity, Infinity];
    let t = p.startTime;
    p.samples.forEach((id, i) => {
      const dt = Math.max(0, p.timeDeltas[i] ?? 0);
      t += dt;
      const n = byId.get(id);
      if (!n || t < from || t > to) return;
      const f = n.callFrame;
      if (f.functionName === "(idle)") return void (idleUs += dt);
      const where = f.url ? ` ${path.relative(process.cwd(), f.url.replace(/^file:\/\//, ""))}${f.lineNumber > 0 ? `:${f.lineNumber + 1}` : ""}` : "";
      const key = `${f.functionName || "(anonymous)"}${where}`;
      selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
      busyUs += dt;
    });
  }
  const perRequest = window?.requests ? `, ${(busyUs / window.requests).toFixed(1)} µs busy per request` : "";
  log(`  busy ${(busyUs / 1000).toFixed(0)} ms, idle ${(idleUs / 1000).toFixed(0)} ms (all threads)${perRequest}; shares are of the busy time`);
  log(`  self ms | share | function`);
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    log(`  ${(us / 1000).toFixed(0).padStart(7)} | ${((100 * us) / Math.max(1, busyUs)).toFixed(1).padStart(5)}% | ${key}`);
  }
  return { selfUs, busyUs, requests: window?.requests };
}

/** What `b` spends per request more than `a`, function by function (both profiles of as many runs' requests). */
export function printProfileDelta(a: ProfileSummary, b: ProfileSummary, top: number, log: (m: string) => void): void {
  if (!a.requests || !b.requests) return;
  const per = (s: ProfileSummary, k: string) => (s.selfUs.get(k) ?? 0) / s.requests!;
  const keys = new Set([...a.selfUs.keys(), ...b.selfUs.keys()]);
  const deltas = [...keys].map((k) => [k, per(b, k) - per(a, k)] as const).sort((x, y) => y[1] - x[1]);
  log(`  busy µs per request: ${(a.busyUs / a.requests).toFixed(1)} → ${(b.busyUs / b.requests).toFixed(1)}; the functions that grew most (self µs per request, before → after)`);
  for (const [k, d] of deltas.slice(0, top)) log(`  ${d >= 0 ? "+" : ""}${d.toFixed(2).padStart(6)} | ${per(a, k).toFixed(2).padStart(6)} → ${per(b, k).toFixed(2).padStart(6)} | ${k}`);
}
