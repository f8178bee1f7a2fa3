import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { RssReader, watchRss } from "../../lib/proc/watch-rss";

describe("RssReader", () => {
  it("reads a live process's resident memory, again and again from one descriptor, and null once it has exited", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((r) => child.once("spawn", r));
    const reader = new RssReader(child.pid);
    try {
      const first = reader.kb();
      expect(first).toBeGreaterThan(1024); // a node process holds megabytes
      expect(reader.kb()).toBeGreaterThan(1024);
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      // reaped: the descriptor still names the old process, which is gone, so nothing is read (not a reused pid)
      expect(reader.kb()).toBeNull();
    } finally {
      reader.close();
      child.kill("SIGKILL");
    }
  });

  it("is null for no pid or a pid that does not exist", () => {
    expect(new RssReader(undefined).kb()).toBeNull();
    expect(new RssReader(2 ** 22 + 12345).kb()).toBeNull();
  });
});

describe("watchRss", () => {
  it("calls onOver once a process passes its limit", async () => {
    // grows by 16 MiB every 10 ms up to 256 MiB, then holds
    const child = spawn(process.execPath, ["-e", "const a = []; const t = setInterval(() => { a.push(Buffer.alloc(16 << 20, 1)); if (a.length >= 16) clearInterval(t); }, 10); setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      const over = await new Promise<number>((resolve) => watchRss({ pid: child.pid, maxMb: 128, onOver: resolve }));
      expect(over).toBeGreaterThan(128 * 1024);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
