// The real web app for tests: the production build (`next build`, only when its sources changed, as
// `npm start` and the e2e runner do it) served by `next start`, in production mode.
import { spawn, spawnSync } from "node:child_process";
import { freePort, httpOk, waitFor, type Proc } from "./processes";

const NEXT_BIN = "node_modules/next/dist/bin/next";

/** Builds the web app when its sources changed (scripts/lib/build-web.ts), outside vitest's NODE_ENV=test. */
export function buildWeb(): void {
  // empty: `next build` then uses production, as it does from `npm start` and the e2e runner
  const env = { ...process.env, NODE_ENV: "", NEXT_TELEMETRY_DISABLED: "1" } as unknown as NodeJS.ProcessEnv;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", "import('./scripts/lib/build-web.ts').then((m) => m.buildWebIfChanged(console.log))"], { env, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`next build failed:\n${(r.stdout ?? "") + (r.stderr ?? "")}`.slice(-4000));
}

/** `next start` on a free port with NODE_ENV=production (as `next start` and the container set it) and `env`. */
export function spawnWeb(port: number, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn", ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (b: Buffer) => { output.push(b.toString()); if (output.length > 200) output.shift(); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name: `web-${port}`, child, output, exited };
}

/** Starts the web and waits until it answers; its URL is `http://127.0.0.1:<port>`, which is also its NEXTAUTH_URL. */
export async function startWeb(env: Record<string, string>): Promise<{ url: string; proc: Proc }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnWeb(port, { NEXTAUTH_URL: url, ...env });
  await waitFor("web", async () => {
    if (proc.child.exitCode !== null) throw new Error(`web exited ${proc.child.exitCode}: ${proc.output.join("").slice(-2000)}`);
    return httpOk(`${url}/healthz`);
  }, 60_000, 200);
  return { url, proc };
}
