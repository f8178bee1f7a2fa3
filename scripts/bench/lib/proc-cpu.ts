// CPU time of process groups from /proc (utime + stime, plus cutime + cstime: what exited and reaped
// children used), so a benchmark can say where the CPU went during a run, apart from the waiting a
// busy machine adds to wall time. A group is a set of root pids; each root counts with every live
// descendant (a gateway's cluster workers, an inference worker's session processes).
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

type Stat = { pid: number; ppid: number; comm: string; ticks: number };

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const f = text.slice(close + 2).split(" ");
    // fields after the comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return { pid, ppid: Number(f[1]), comm: text.slice(text.indexOf("(") + 1, close), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Pids whose command line contains every one of `parts` (e.g. ["redis-server", ":6380"]). */
export function findPids(parts: string[]): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
      if (parts.every((p) => cmd.includes(p))) found.push(Number(name));
    } catch { /* gone */ }
  }
  return found;
}

/** Ms of CPU each root and its live descendants have used so far, by root pid. */
function treeMs(roots: number[], stats: Stat[]): Map<number, number> {
  const children = new Map<number, Stat[]>();
  const byPid = new Map<number, Stat>();
  for (const s of stats) {
    byPid.set(s.pid, s);
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const out = new Map<number, number>();
  for (const root of roots) {
    const top = byPid.get(root);
    if (!top) continue;
    let ticks = 0;
    const stack = [top];
    while (stack.length) {
      const s = stack.pop()!;
      ticks += s.ticks;
      stack.push(...(children.get(s.pid) ?? []));
    }
    out.set(root, ticks * TICK_MS);
  }
  return out;
}

/** A named group of processes; `roots` is asked again at each reading (backends come and go). */
export type ProcGroup = { name: string; roots: () => number[] | Promise<number[]> };
export type CpuReading = Map<string, Map<number, number>>;

export async function readCpu(groups: ProcGroup[]): Promise<CpuReading> {
  const roots = await Promise.all(groups.map((g) => g.roots()));
  const stats = allStats();
  return new Map(groups.map((g, i) => [g.name, treeMs(roots[i], stats)]));
}

/**
 * CPU ms each group used between two readings. A root seen only at the end counts in full (it
 * started during the run); one seen only at the start is gone and counts nothing more.
 */
export function cpuBetween(start: CpuReading, end: CpuReading): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, after] of end) {
    const before = start.get(name) ?? new Map<number, number>();
    let ms = 0;
    for (const [pid, v] of after) ms += v - (before.get(pid) ?? 0);
    out.set(name, Math.max(0, ms));
  }
  return out;
}
