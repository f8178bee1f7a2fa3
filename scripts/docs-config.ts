// `npm run docs:config`: rewrites the configuration table in README.md from the schemas in lib/env.
// `--check` only says whether the README is up to date (exit 1 when it is not).
import { readFileSync, writeFileSync } from "node:fs";
import { withConfigTable } from "../lib/env/docs";

const readme = new URL("../README.md", import.meta.url);
const before = readFileSync(readme, "utf8");
const after = withConfigTable(before);
if (before === after) {
  console.log("README.md: the configuration table matches lib/env");
} else if (process.argv.includes("--check")) {
  console.error("README.md: the configuration table differs from lib/env; run `npm run docs:config`");
  process.exit(1);
} else {
  writeFileSync(readme, after);
  console.log("README.md: configuration table rewritten from lib/env");
}
