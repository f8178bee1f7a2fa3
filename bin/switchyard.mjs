#!/usr/bin/env node
// Entry for `npx switchyard …`: runs the TypeScript CLI through tsx, a dependency of the package.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
