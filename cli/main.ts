import { parseArgs } from "node:util";
import { ApiError, clientFromEnv } from "./client";
import * as cmd from "./commands";
import { adminAddMember, adminCreateToken } from "./admin";
import * as serving from "./serving-commands";

const USAGE = `switchyard <command>

  models create <name> [--task t] [--description d]
  models list
  versions push <model.onnx> --model <name> [--metrics m.json] [--params p.json] [--metadata meta.json] [--tags a,b] [--dataset d] [--parent n]
  versions list <model>
  alias set <model> <alias> <version>
  endpoints create <name> [--environment staging|production] [--sticky-header h | --sticky-field f]
  endpoints list
  traffic set <endpoint> --model <name> --variant 1=90 --variant 2=10[:canary|:shadow][:gpu] [--strategy immediate|canary|blue_green]
              [--steps 10,50] [--bake-seconds 60] [--reason text] [--wait]
  deployments wait <id> [--timeout-seconds 600]          exits 1 when the deployment failed or was rolled back
  admin create-token --team <slug> --name <name> [--scopes read,write,deploy] [--expires-days n]   (server-side)
  admin add-member --team <slug> --email <email> [--role engineer] [--password p]                   (server-side)

Environment: SWITCHYARD_URL (default http://localhost:3000), SWITCHYARD_TOKEN. Add --json for machine-readable output.`;

const str = { type: "string" } as const;
const OPTIONS = {
  task: str, description: str, model: str, metrics: str, params: str, metadata: str, tags: str, dataset: str, parent: str,
  environment: str, "sticky-header": str, "sticky-field": str, variant: { type: "string", multiple: true }, strategy: str, steps: str,
  "bake-seconds": str, reason: str, wait: { type: "boolean" }, "timeout-seconds": str,
  team: str, name: str, scopes: str, "expires-days": str, email: str, role: str, password: str,
  json: { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

type Runner = (args: string[], flags: Record<string, string | boolean | undefined>, out: cmd.Out) => Promise<unknown>;

const api = (fn: (c: ReturnType<typeof clientFromEnv>, ...rest: Parameters<Runner>) => Promise<unknown>): Runner => (a, f, o) => fn(clientFromEnv(), a, f, o);

export const COMMANDS: Record<string, Runner> = {
  "models create": api(cmd.modelsCreate),
  "models list": api(cmd.modelsList),
  "versions push": api(cmd.versionsPush),
  "versions list": api(cmd.versionsList),
  "alias set": api(cmd.aliasSet),
  "endpoints create": api(serving.endpointsCreate),
  "endpoints list": api(serving.endpointsList),
  "traffic set": api((c, a, f, o) => serving.trafficSet(c, a, f, o, (f.variant as unknown as string[] | undefined) ?? [])),
  "deployments wait": api(serving.deploymentsWait),
  "admin create-token": adminCreateToken,
  "admin add-member": adminAddMember,
};

export async function main(argv: string[], out: cmd.Out = console.log, err: cmd.Out = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    err((e as Error).message);
    return 2;
  }
  const [group, action, ...rest] = parsed.positionals;
  const runner = COMMANDS[`${group} ${action}`];
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  if (!runner) {
    err(USAGE);
    return 2;
  }
  const json = Boolean(parsed.values.json);
  try {
    const result = await runner(rest, parsed.values as Record<string, string | boolean | undefined>, json ? () => {} : out);
    if (json) out(JSON.stringify(result, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof ApiError) err(`error: ${e.message}${e.status ? ` (HTTP ${e.status}, ${e.code})` : ""}`);
    else err(`error: ${(e as Error).message}`);
    return 1;
  }
}
