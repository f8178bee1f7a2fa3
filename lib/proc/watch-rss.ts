// Watches a child process's resident memory (Linux /proc/<pid>/status, VmRSS) every 25 ms and calls
// `onOver` once when it passes a limit. Used by run-limited-child.ts (upload checks, drift reports) and
// by inference session processes (lib/serving/data/inference/session-runner.ts).
//
// The file is opened once and re-read in place with a synchronous pread: about 14 µs a read, where a
// fresh fs/promises readFile (open, fstat, read, close on the thread pool) cost about 200. An inference
// worker watches every loaded version's process 40 times a second, so at 3 versions the old way spent
// 5% of a core doing nothing else while the worker sat idle. A read of /proc never waits on a disk.
// The descriptor stays bound to the process it was opened for: once that exits reads fail, so a reused
// pid is never read by mistake.
import { closeSync, openSync, readSync } from "node:fs";

export const RSS_POLL_MS = 25;

/** Reads fields of one process's /proc status; null where it cannot be read (not Linux, process gone). */
export class RssReader {
  private fd: number | null;
  // the file is about 1.5 KB; a long Groups: line can make it longer, and then the buffer grows
  private buf = Buffer.alloc(4096);

  constructor(pid: number | undefined) {
    try {
      this.fd = pid ? openSync(`/proc/${pid}/status`, "r") : null;
    } catch {
      this.fd = null;
    }
  }

  /** Whether the file could be opened (a pid that exists, on Linux). */
  get readable(): boolean {
    return this.fd !== null;
  }

  /** Resident memory in KiB (or another "Vm…: N kB" field: VmHWM, the peak), or null. */
  kb(field = "VmRSS"): number | null {
    if (this.fd === null) return null;
    try {
      let n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      while (n === this.buf.length && this.buf.length < 1 << 20) {
        this.buf = Buffer.alloc(this.buf.length * 4);
        n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      }
      const name = `\n${field}:`;
      const at = this.buf.subarray(0, n).indexOf(name, 0, "latin1");
      if (at < 0) return null;
      const m = /^\s*(\d+)\s+kB/.exec(this.buf.toString("latin1", at + name.length, Math.min(n, at + name.length + 64)));
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch { /* already closed */ }
    this.fd = null;
  }
}

/** Polls `pid`'s resident memory; past `maxMb` MiB calls `onOver` (once). Returns a function that stops the watch. */
export function watchRss(opts: { pid: number | undefined; maxMb: number; onOver: (kb: number) => void; everyMs?: number }): () => void {
  const maxKb = opts.maxMb * 1024;
  const reader = new RssReader(opts.pid);
  // nothing to watch (the child never started, or no /proc): as before, no limit can be read
  if (!reader.readable) return () => {};
  const timer = setInterval(() => {
    const kb = reader.kb();
    if (kb === null || kb <= maxKb) return;
    stop();
    opts.onOver(kb);
  }, opts.everyMs ?? RSS_POLL_MS);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    reader.close();
  };
  return stop;
}
