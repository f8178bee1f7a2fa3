// Part 2 of `npm run bench:monitoring`: alert evaluation over 1,000 rules. Runs `npm run bench:alerts`
// (scripts/bench/alerts.ts: its own database, 200 endpoints × 5 rules, evaluateAlertRules cycles 15 s
// apart) as a child process, passes its lines through, and sums them up: the quiet cycles (no state
// changes) and the cycles that open or fire many incidents. A child process, not an import, so what
// it measures is whatever evaluator this checkout has.
import { spawn } from "node:child_process";
import path from "node:path";

type Cycle = { n: number; ms: number; changes: number; what: string };

export async function benchAlertCycles(opts: { runs: number }): Promise<void> {
  console.log(`\n2. Alert evaluation, 1,000 rules (scripts/bench/alerts.ts, ${opts.runs} cycles 15 s apart):`);
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "..", "alerts.ts")], { env: { ...process.env, BENCH_RUNS: String(opts.runs) }, stdio: ["ignore", "pipe", "inherit"] });
  const cycles: Cycle[] = [];
  let out = "";
  child.stdout.on("data", (b: Buffer) => {
    out += b.toString();
    for (;;) {
      const nl = out.indexOf("\n");
      if (nl < 0) break;
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.trim()) console.log(`   | ${line}`);
      cycles.push(...parse(line));
    }
  });
  const code = await new Promise<number | null>((r) => child.on("close", r));
  if (code !== 0) throw new Error(`the alerts bench stopped (exit code ${code})`);
  const quiet = cycles.filter((c) => c.changes === 0).map((c) => c.ms).sort((a, b) => a - b);
  const busy = cycles.filter((c) => c.changes > 0);
  if (quiet.length) console.log(`   quiet cycles (no state changes): median ${quiet[Math.floor(quiet.length / 2)].toFixed(0)} ms, slowest ${quiet[quiet.length - 1].toFixed(0)} ms (${quiet.length} cycles) — target < 1000 ms: ${quiet[quiet.length - 1] < 1000 ? "MET" : "MISSED"}`);
  for (const c of busy) console.log(`   cycle ${c.n} with ${c.what}: ${c.ms.toFixed(0)} ms — target < 1000 ms: ${c.ms < 1000 ? "MET" : "MISSED"}`);
}

// "cycle 5: 5002 ms (reads …) · 1000 rules · pending 0, fired 544, resolved 0, dropped 0"
function parse(line: string): Cycle[] {
  const m = /^cycle (\d+): (\d+) ms .*pending (\d+), fired (\d+), resolved (\d+), dropped (\d+)/.exec(line);
  if (!m) return [];
  const [pending, fired, resolved, dropped] = m.slice(3).map(Number);
  const what = Object.entries({ "opened (pending)": pending, fired, resolved, dropped }).filter(([, n]) => n > 0).map(([k, n]) => `${n} incidents ${k}`).join(", ");
  return [{ n: Number(m[1]), ms: Number(m[2]), changes: pending + fired + resolved + dropped, what }];
}
