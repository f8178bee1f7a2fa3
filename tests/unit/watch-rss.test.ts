import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RssReader, watchRss } from "../../lib/proc/watch-rss";

const openFds = () => readdirSync("/proc/self/fd").length;

/** A node child running `code`; resolves once node runs it (not while the process is still being exec'd). */
async function child(code: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ["-e", `process.stdout.write("up"); ${code}`], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise((r) => c.stdout!.once("data", r));
  return c;
}

const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once("exit", r)));

describe("RssReader", () => {
  it("reads a live process's resident memory and peak, again and again from one descriptor, and null once it has exited", async () => {
    const c = await child("setInterval(() => {}, 1000)");
    const reader = new RssReader(c.pid);
    try {
      expect(reader.kb()).toBeGreaterThan(1024); // a node process holds megabytes
      const rss = reader.kb()!;
      expect(rss).toBeGreaterThan(1024);
      expect(reader.kb("VmHWM")).toBeGreaterThanOrEqual(rss); // the peak so far
      c.kill("SIGKILL");
      await exited(c);
      // reaped: the descriptor still names the old process, which is gone, so nothing is read (not a reused pid)
      expect(reader.kb()).toBeNull();
    } finally {
      reader.close();
      c.kill("SIGKILL");
    }
  });

  it("is null for no pid or a pid that does not exist", () => {
    expect(new RssReader(undefined).kb()).toBeNull();
    expect(new RssReader(2 ** 22 + 12345).readable).toBe(false);
  });
});

describe("watchRss", () => {
  it("calls onOver once when a process passes its limit, and holds no descriptor after", async () => {
    // grows by 16 MiB every 10 ms up to 256 MiB, then holds
    const c = await child("const a = []; const t = setInterval(() => { a.push(Buffer.alloc(16 << 20, 1)); if (a.length >= 16) clearInterval(t); }, 10); setInterval(() => {}, 1000)");
    const before = openFds();
    const calls: number[] = [];
    let stop = () => {};
    try {
      const over = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("onOver was not called within 10 s")), 10_000);
        stop = watchRss({ pid: c.pid, maxMb: 128, onOver: (kb) => { calls.push(kb); clearTimeout(t); resolve(kb); } });
      });
      expect(over).toBeGreaterThan(128 * 1024);
      await new Promise((r) => setTimeout(r, 150)); // six more polls: none calls again
      expect(calls).toHaveLength(1);
      expect(openFds()).toBe(before); // the watch closed its descriptor when it fired
    } finally {
      stop();
      c.kill("SIGKILL");
    }
  });

  it("never calls onOver for a process that stays under its limit and exits; stop() closes the descriptor", async () => {
    const c = await child("setTimeout(() => {}, 200)");
    const before = openFds();
    let called = false;
    const stop = watchRss({ pid: c.pid, maxMb: 1024, onOver: () => { called = true; } });
    expect(openFds()).toBe(before + 1);
    await exited(c);
    await new Promise((r) => setTimeout(r, 100));
    expect(called).toBe(false);
    const watching = openFds();
    stop();
    stop(); // twice is harmless
    expect(openFds()).toBe(watching - 1);
  });
});
