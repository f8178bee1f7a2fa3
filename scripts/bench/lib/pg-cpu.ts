// CPU time of the Postgres backends serving one application_name, read from /proc: what the database
// spent on a phase, apart from the waiting a busy machine adds to wall time. null when Postgres runs
// elsewhere (its processes are not in this machine's /proc).
import { readFileSync } from "node:fs";
import type { Pool } from "pg";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
  } catch {
    return null;
  }
}

/** A function that returns the CPU ms the named backends have used since it was made (null if unreadable). */
export async function pgCpuMeter(admin: Pool, applicationName: string): Promise<() => Promise<number | null>> {
  const pids = async () => (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName])).rows.map((r) => r.pid);
  const start = new Map<number, number>();
  for (const pid of await pids()) {
    const c = cpuOf(pid);
    if (c !== null) start.set(pid, c);
  }
  return async () => {
    let total = 0;
    let any = false;
    for (const pid of new Set([...start.keys(), ...(await pids())])) {
      const c = cpuOf(pid);
      if (c === null) continue;
      any = true;
      total += c - (start.get(pid) ?? 0);
    }
    return any ? total : null;
  };
}
