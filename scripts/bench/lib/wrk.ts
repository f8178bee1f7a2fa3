// Debian's wrk as the load generator of the benchmarks (C, one thread: far cheaper per request than any
// server it measures), with wrk-post.lua POSTing a fixed body file, and its calibration against a
// trivial responder: the rate wrk reaches there is the ceiling no measured figure can be trusted near.
import { execFileSync, fork, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export type WrkResult = {
  requests: number; seconds: number; rps: number;
  /** answers with status >= 400 (wrk's "Non-2xx or 3xx responses") */
  non2xx: number;
  /** connect, read, write errors and timeouts */
  socketErrors: number;
  p50Ms: number; p99Ms: number;
  /** CPU wrk itself used (user + system) */
  cpuMs: number;
};

const LUA = path.join(import.meta.dirname, "..", "wrk-post.lua");

/** Makes sure `wrk` is there: installs Debian's package when run as root, else says how. */
export function ensureWrk(log: (m: string) => void): void {
  const has = () => { try { execFileSync("sh", ["-c", "command -v wrk"], { stdio: "ignore" }); return true; } catch { return false; } };
  if (has()) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    log("wrk is missing: installing Debian's package (apt-get install wrk)");
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (has()) return;
  }
  throw new Error("bench:serving needs wrk (Debian: `sudo apt-get install wrk`; elsewhere https://github.com/wg/wrk)");
}

export async function runWrk(o: { url: string; bodyFile: string; connections: number; seconds: number; headers?: Record<string, string> }): Promise<WrkResult> {
  const args = ["-t1", `-c${o.connections}`, `-d${o.seconds}s`, "--timeout", "10s", "-s", LUA, o.url];
  // the shell waits for wrk, then prints its own /proc stat: cutime + cstime are wrk's CPU (no fork in between)
  const script = 'wrk "$@"; rc=$?; read -r s < /proc/$$/stat; echo "WRK_CPU $s"; exit $rc';
  const child = spawn("sh", ["-c", script, "sh", ...args], {
    env: { ...process.env, WRK_BODY: o.bodyFile, WRK_HEADERS: Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((r) => child.on("close", r));
  const line = /^WRK_JSON (.*)$/m.exec(out);
  if (code !== 0 || !line) throw new Error(`wrk failed (exit code ${code}):\n${out}`);
  const j = JSON.parse(line[1]) as { requests: number; duration_us: number; connect: number; read: number; write: number; status: number; timeout: number; p50_us: number; p99_us: number };
  const stat = /^WRK_CPU (.*)$/m.exec(out)?.[1] ?? "";
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const secs = j.duration_us / 1e6;
  return {
    requests: j.requests, seconds: secs, rps: j.requests / secs, non2xx: j.status, socketErrors: j.connect + j.read + j.write + j.timeout,
    p50Ms: j.p50_us / 1000, p99Ms: j.p99_us / 1000, cpuMs: (Number(f[13]) + Number(f[14])) * 10,
  };
}

export const CONCURRENCIES = [1, 16, 64] as const;
export type Concurrency = (typeof CONCURRENCIES)[number];
export type Ceiling = Record<Concurrency, WrkResult>;

/**
 * trivial-responder.ts in a process of its own (`processes` of them on one port, node:cluster): the
 * fastest server wrk can meet here, so what wrk reaches against it is the generator's ceiling.
 */
export async function startTrivialResponder(processes = 1): Promise<{ url: string; close: () => void }> {
  const child = fork(path.join(import.meta.dirname, "trivial-responder.ts"), [String(processes)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  try {
    const { port } = await new Promise<{ port: number }>((resolve, reject) => { child.once("message", (m) => resolve(m as { port: number })); child.once("exit", () => reject(new Error("the trivial responder exited"))); });
    return { url: `http://127.0.0.1:${port}/`, close: () => child.kill() };
  } catch (err) {
    child.kill();
    throw err;
  }
}

/** wrk against the trivial responder (as many processes as the servers measured) at each concurrency: the generator's ceiling. */
export async function calibrate(bodyFile: string, seconds: number, warmupSeconds = 2, processes = 1): Promise<Ceiling> {
  const responder = await startTrivialResponder(processes);
  try {
    if (warmupSeconds > 0) await runWrk({ url: responder.url, bodyFile, connections: 16, seconds: warmupSeconds });
    const out = {} as Ceiling;
    for (const c of CONCURRENCIES) out[c] = await runWrk({ url: responder.url, bodyFile, connections: c, seconds });
    return out;
  } finally {
    responder.close();
  }
}

/** Whether a measured rate is close enough to the generator's ceiling that wrk, not the server, may be what limits it. */
export const nearCeiling = (rps: number, ceiling: Ceiling, c: Concurrency) => rps >= 0.5 * ceiling[c].rps;
