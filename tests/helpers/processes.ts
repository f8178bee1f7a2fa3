// Starts the real Switchyard processes (and a private Redis) for tests, and stops them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export type Proc = { name: string; child: ChildProcess; output: string[]; exited: Promise<number | null> };

/** The cluster secret every process started here shares (heartbeats and calls to workers are signed with it). */
export const TEST_CLUSTER_SECRET = "switchyard-test-cluster-secret-0123456789abcdef";
export const clusterSecret = () => process.env.CLUSTER_SECRET || TEST_CLUSTER_SECRET;

export function startProcess(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Proc {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script], { env: { ...process.env, LOG_LEVEL: "warn", CLUSTER_SECRET: clusterSecret(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const keep = (b: Buffer) => { output.push(b.toString()); if (output.length > 200) output.shift(); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, child, output, exited };
}

export async function stopProcess(p: Proc | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5_000))]);
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ""}`);
}

export async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/**
 * A private redis-server, so tests may kill and restart it without touching anyone else's. It keeps
 * an append-only file (fsync on every write), as a production Redis holding queues should, so a
 * restart loses nothing that was acknowledged. `appendfsync: "everysec"`: as docker-compose.yml runs
 * Redis (Redis's default with AOF on), what benchmarks of the deployed product measure.
 */
export async function startRedis(opts: { appendfsync?: "always" | "everysec" } = {}): Promise<{ url: string; port: number; stop: () => Promise<void>; restart: (downMs: number) => Promise<void>; pause: () => void; resume: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-redis-"));
  let child: ChildProcess;
  const launch = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--appendonly", "yes", "--appendfsync", opts.appendfsync ?? "always"], { stdio: "ignore" });
    await waitFor("redis", async () => {
      const s = net.connect(port, "127.0.0.1");
      return new Promise<boolean>((r) => { s.on("connect", () => { s.destroy(); r(true); }); s.on("error", () => r(false)); });
    }, 10_000);
  };
  const kill = async () => {
    if (child.exitCode !== null) return;
    const done = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await done;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => { await kill(); rmSync(dir, { recursive: true, force: true }); },
    restart: async (downMs) => { await kill(); await new Promise((r) => setTimeout(r, downMs)); await launch(); },
    // stopped, not gone: clients' commands wait (no error, no reconnect) until it resumes
    pause: () => void child.kill("SIGSTOP"),
    resume: () => void child.kill("SIGCONT"),
  };
}
