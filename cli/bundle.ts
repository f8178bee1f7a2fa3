// Entry of the one-file CLI the web app serves at /cli/switchyard.mjs (built by scripts/build-cli.ts):
// `node switchyard.mjs <command>` from any directory, Node >= 20, nothing to install. REST commands only.
import { API_COMMANDS, main } from "./main";

const ADMIN_IS_REPO_ONLY = `admin commands are not in this CLI: they talk to the database, so they run only inside the Switchyard repository,
on a host that reaches its Postgres:  npm run cli -- admin create-token …
To get an API token without them, create one on the web app's API tokens page.`;

const major = Number(process.versions.node.split(".")[0]);
if (major < 20) {
  console.error(`switchyard.mjs needs Node.js 20 or newer; this is ${process.version}`);
  process.exitCode = 2;
} else {
  process.exitCode = await main(process.argv.slice(2), { commands: API_COMMANDS, prog: "node switchyard.mjs", unavailable: { admin: ADMIN_IS_REPO_ONLY } });
}
