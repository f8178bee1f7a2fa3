// Reads V8 .cpuprofile files (node --cpu-prof) and prints the functions with the most self time, all
// files (one per thread and process: a gateway's cluster workers, tsx's loader thread) added together.
// `window` keeps the samples of one stretch, given as µs before each profile's end (the process's exit),
// so start-up and shut-down stay out of it.
import { readFileSync } from "node:fs";
import path from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export function printProfile(files: string[], top: number, log: (m: string) => void, window?: { fromEndUs: number; toEndUs: number }): void {
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
  log(`  busy ${(busyUs / 1000).toFixed(0)} ms, idle ${(idleUs / 1000).toFixed(0)} ms (all threads); shares are of the busy time`);
  log(`  self ms | share | function`);
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    log(`  ${(us / 1000).toFixed(0).padStart(7)} | ${((100 * us) / Math.max(1, busyUs)).toFixed(1).padStart(5)}% | ${key}`);
  }
}
