// A small process supervisor: starts each child with prefixed output, restarts one that dies
// (with backoff), and stops them all on Ctrl-C or SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";

export type ProcSpec = { name: string; command: string; args: string[]; env?: Record<string, string> };

export function supervise(specs: ProcSpec[]): Promise<void> {
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const start = (spec: ProcSpec, attempt = 0) => {
    const child = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, stdio: ["ignore", "pipe", "pipe"] });
    children.set(spec.name, child);
    const prefix = `[${spec.name}] `;
    const pipe = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let buf = "";
      stream.on("data", (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split("\n");
        buf = lines.pop() ?? "";
        for (const l of lines) out.write(prefix + l + "\n");
      });
    };
    pipe(child.stdout!, process.stdout);
    pipe(child.stderr!, process.stderr);
    const startedAt = Date.now();
    child.on("exit", (code, signal) => {
      children.delete(spec.name);
      if (stopping) return;
      const next = Date.now() - startedAt > 30_000 ? 0 : attempt + 1;
      const delay = Math.min(30_000, 500 * 2 ** next);
      console.error(`${prefix}exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && start(spec, next), delay);
    });
  };

  specs.forEach((s) => start(s));
  return new Promise((resolve) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      console.log("\nstopping…");
      for (const c of children.values()) c.kill("SIGTERM");
      const deadline = setTimeout(() => { for (const c of children.values()) c.kill("SIGKILL"); }, 10_000);
      const check = setInterval(() => {
        if (children.size === 0) { clearInterval(check); clearTimeout(deadline); resolve(); }
      }, 100);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
