// Runs one of our TypeScript scripts in a child process that may parse hostile data (an uploaded
// model or data set, clients' logged inputs): its JS heap capped with --max-old-space-size, its
// resident memory read from /proc every 25 ms, and a wall-clock limit; past either it is killed.
// Nothing of the caller's environment reaches it (what it needs comes as arguments or on stdin).
// The caller's event loop only waits. The script answers with one "RESULT <json>" line on stdout.
import { spawn } from "node:child_process";
import path from "node:path";
import { watchRss } from "./watch-rss";

export type LimitedChildOptions = {
  /** relative to the working directory (the repository root, or /app in the image) */
  script: string;
  args?: string[];
  stdin?: string;
  timeoutMs: number;
  maxMemoryMb: number;
  outputLimit?: number;
};

export type LimitedChildExit = {
  /** the limit it was killed for (a heap out of memory counts as memory) */
  over: "time" | "memory" | null;
  /** the JSON after "RESULT ", when the script printed one */
  result: string | null;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the child could not be started */
  error?: Error;
};

export async function runLimitedChild(opts: LimitedChildOptions): Promise<LimitedChildExit> {
  const child = spawn(process.execPath, [`--max-old-space-size=${opts.maxMemoryMb}`, "--import", "tsx", path.resolve(opts.script), ...(opts.args ?? [])], {
    stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    env: { NODE_ENV: "production" },
  });
  const limit = opts.outputLimit ?? 256 * 1024;
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => { if (stdout.length < limit) stdout += c.toString("utf8"); });
  child.stderr?.on("data", (c: Buffer) => { if (stderr.length < 64 * 1024) stderr += c.toString("utf8"); });
  if (opts.stdin !== undefined) {
    child.stdin?.on("error", () => {}); // a child that dies before reading is reported by its exit
    child.stdin?.end(opts.stdin);
  }
  let over: "time" | "memory" | null = null;
  const stop = (why: "time" | "memory") => { over ??= why; child.kill("SIGKILL"); };
  const timer = setTimeout(() => stop("time"), opts.timeoutMs);
  const stopWatch = watchRss({ pid: child.pid, maxMb: opts.maxMemoryMb, onOver: () => stop("memory") });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  stopWatch();
  if (over === null && /heap out of memory/i.test(stderr)) over = "memory";
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  return { over, result: line ? line.slice("RESULT ".length) : null, stderr, ...exit };
}
