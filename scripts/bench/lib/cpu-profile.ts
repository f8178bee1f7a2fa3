// Reads V8 .cpuprofile files (node --cpu-prof) and prints the functions with the most self time,
// all files (one per process, e.g. a gateway's cluster workers) added together.
import { readFileSync } from "node:fs";
import path from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

export function printProfile(files: string[], top: number, log: (m: string) => void): void {
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const n = byId.get(id);
      const dt = Math.max(0, p.timeDeltas[i] ?? 0);
      if (!n) return;
      const f = n.callFrame;
      const where = f.url ? `${path.relative(process.cwd(), f.url.replace(/^file:\/\//, ""))}:${f.lineNumber + 1}` : "";
      const key = `${f.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
      selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
      totalUs += dt;
    });
  }
  const ranked = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top);
  log(`  self ms | share | function`);
  for (const [key, us] of ranked) log(`  ${(us / 1000).toFixed(0).padStart(7)} | ${((100 * us) / Math.max(1, totalUs)).toFixed(1).padStart(5)}% | ${key}`);
}
