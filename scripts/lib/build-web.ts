// Builds the one-file CLI the web app serves (public/cli/switchyard.mjs), and the Next.js app only
// when its sources changed since the last build.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildCli, CLI_BUNDLE } from "../build-cli";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const INPUTS = ["app", "components", "lib", "public", "instrumentation.ts", "next.config.ts", "package-lock.json", "postcss.config.mjs", "tsconfig.json", "prisma/schema.prisma"];
const STAMP = path.join(ROOT, ".next", "switchyard-sources.sha256");

function sourcesHash(): string {
  const h = createHash("sha256");
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== "generated" && e !== "node_modules" && path.join(p, e) !== path.dirname(CLI_BUNDLE)) walk(path.join(p, e));
    } else h.update(`${path.relative(ROOT, p)}:${st.size}:${st.mtimeMs}\n`);
  };
  INPUTS.forEach((i) => walk(path.join(ROOT, i)));
  return h.digest("hex");
}

export function buildWebIfChanged(log: (m: string) => void): void {
  // Cheap (esbuild, well under a second) and written only when it changed. `next start` lists public/
  // when it starts, so the bundle only has to exist by then; it is left out of the web sources' hash.
  const cli = buildCli();
  if (cli.changed) log(`built the CLI the web app serves at /cli/switchyard.mjs (${path.relative(ROOT, cli.outfile)})`);
  const hash = sourcesHash();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash && existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    log("web build is up to date");
    return;
  }
  log("building the web app (next build)…");
  const r = spawnSync("npx", ["next", "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error("next build failed");
  writeFileSync(STAMP, hash);
}
