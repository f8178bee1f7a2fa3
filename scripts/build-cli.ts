// Bundles the REST CLI (cli/bundle.ts) into one self-contained ES module for Node >= 20, which the
// web app serves from public/ at /cli/switchyard.mjs. `npm run build` and `npm start` run it.
//   npx tsx scripts/build-cli.ts [outfile]
import { buildSync } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const CLI_ENTRY = path.join(ROOT, "cli/bundle.ts");
/** Where the web app serves it from: public/cli/switchyard.mjs → GET /cli/switchyard.mjs (git-ignored). */
export const CLI_BUNDLE = path.join(ROOT, "public/cli/switchyard.mjs");

// The served CLI talks to the API only; none of the server side may end up in it.
const SERVER_ONLY = [/(^|\/)node_modules\/(@prisma|prisma|pg|ioredis|bullmq|onnxruntime-[a-z]+|next)\//, /(^|\/)lib\/(db|generated)\//, /(^|\/)cli\/admin/];

/** Builds the bundle; writes `outfile` only when its content changed. Returns whether it wrote. */
export function buildCli(outfile: string = CLI_BUNDLE): { outfile: string; changed: boolean; bytes: number } {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  const result = buildSync({
    entryPoints: [CLI_ENTRY],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    outfile,
    legalComments: "none",
    logLevel: "warning",
    banner: {
      js: `#!/usr/bin/env node\n// Switchyard CLI ${version}: one file, Node.js >= 20, no dependencies. Run: node switchyard.mjs --help\n// Built from cli/ in the Switchyard repository by scripts/build-cli.ts; do not edit.`,
    },
  });
  const inputs = Object.keys(result.metafile.inputs);
  const serverSide = inputs.filter((i) => SERVER_ONLY.some((re) => re.test(i)));
  if (serverSide.length) throw new Error(`the served CLI must not contain server-side code, but it imports: ${serverSide.join(", ")}`);
  const code = result.outputFiles[0].contents;
  // A few KiB of our own code: a library pulled in by accident (zod is 450 KiB) shows up here.
  if (code.byteLength > 100 * 1024) throw new Error(`the served CLI grew to ${Math.round(code.byteLength / 1024)} KiB; keep heavy libraries (zod, …) out of cli/ and what it imports`);
  const changed = !existsSync(outfile) || !Buffer.from(code).equals(readFileSync(outfile));
  if (changed) {
    mkdirSync(path.dirname(outfile), { recursive: true });
    writeFileSync(outfile, code, { mode: 0o755 });
  }
  return { outfile, changed, bytes: code.byteLength };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const r = buildCli(process.argv[2] ? path.resolve(process.argv[2]) : CLI_BUNDLE);
  console.log(`${path.relative(process.cwd(), r.outfile)}: ${(r.bytes / 1024).toFixed(1)} KiB${r.changed ? "" : " (unchanged)"}`);
}
