// Watches a child process's resident memory (Linux /proc/<pid>/status, VmRSS) every 25 ms and calls
// `onOver` once when it passes a limit. Used by run-limited-child.ts (upload checks, drift reports) and
// by inference session processes (lib/serving/data/inference/session-runner.ts).

import { readFile } from "node:fs/promises";

export const RSS_POLL_MS = 25;

/** Resident memory of a process in KiB (Linux /proc), or null where that cannot be read. */
export async function rssKb(pid: number | undefined): Promise<number | null> {
  if (!pid) return null;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Polls `pid`'s resident memory; past `maxMb` MiB calls `onOver` (once). Returns a function that stops the watch. */
export function watchRss(opts: { pid: number | undefined; maxMb: number; onOver: (kb: number) => void; everyMs?: number }): () => void {
  const maxKb = opts.maxMb * 1024;
  let stopped = false;
  const timer = setInterval(() => {
    void rssKb(opts.pid).then((kb) => {
      if (stopped || kb === null || kb <= maxKb) return;
      stop();
      opts.onOver(kb);
    });
  }, opts.everyMs ?? RSS_POLL_MS);
  timer.unref();
  const stop = () => { stopped = true; clearInterval(timer); };
  return stop;
}
