// The CLI's commands, argument parsing and exit codes: 0 done, 1 the API said no or the outcome
// is a failure, 2 bad usage. Two entries run it: cli/bundle.ts (the one-file CLI the web app serves,
// REST commands only) and cli/repo.ts (`npm run cli -- …` in the repository, with the admin commands).
import { parseArgs } from "node:util";
import { ApiError, clientFromEnv } from "./client";
import * as cmd from "./commands";
import { CommandFailed, UsageError } from "./errors";
import * as serving from "./serving-commands";
import * as promotion from "./promotion-commands";
import { feedbackSend } from "./feedback-commands";
import { driftReport } from "./drift-commands";

const API_USAGE = `  models create <name> [--task t] [--description d]
  models list [--q text] [--tag t]
  versions push <model.onnx> --model <name> [--metrics m.json] [--params p.json] [--metadata meta.json] [--tags a,b] [--dataset d] [--parent n]
              [--reference data.csv|data.jsonl]   reference data for drift reports (CSV with a header, or JSON Lines)
  versions reference <model> <version> <data.csv|data.jsonl>   gives a version its reference data, or replaces it
  versions list <model> [--tag t] [--metric "auc>0.77,logloss<0.5"] [--sort=-metrics.auc|number|createdAt] [--archived]
  alias set <model> <alias> <version>
  endpoints create <name> [--environment staging|production] [--sticky-header h | --sticky-field f]
  endpoints list
  traffic set <endpoint> --model <name> --variant <spec>... [--strategy immediate|canary|blue_green]
              <spec> is [model@]version=weight[:primary|canary|shadow][:cpu|gpu], e.g. --variant 1=90 --variant 2=10:canary
              [--steps 10,50] [--bake-seconds 60] [--min-requests 100] [--max-wait-seconds 600] [--reason text] [--wait [--timeout-seconds 600]]
  deployments wait <id> [--timeout-seconds 600]          exits 1 when the deployment failed or was rolled back
  keys create <endpoint> [--name n]                      prints a new endpoint key (sk_…) once, for the gateway
  keys list <endpoint>
  keys revoke <endpoint> <key id>
  keys require <endpoint> on|off                         whether the gateway asks for a key (default: on for production)
  promote <model> <version> --endpoint <e> [--strategy canary|immediate|blue_green] [--steps 10,50] [--bake-seconds 300]
  promote <model> <version> --alias champion
              [--reason text] [--wait [--timeout-seconds 3600]]   requests a promotion; with --wait exits 0 once
              deployed, 1 when it is blocked, rejected, failed, rolled back, stale, expired or cancelled
  promotions wait <id> [--timeout-seconds 3600]
  promotions cancel <id> [--comment text]                 (approving is for people, in the web or in Slack, never tokens)
  feedback send --endpoint <e> --file labels.jsonl        ground truth, a {"requestId", "label"} line each
  drift report --endpoint <e> --from <ISO time|24h> [--to <ISO time>] [--version n] [--wait [--timeout-seconds 600]]
              asks for a drift report; with --wait prints the share and the most drifted columns (exit 1 when it failed)`;

const ADMIN_USAGE = `  admin create-token --team <slug> --name <name> [--scopes read,write,deploy] [--expires-days n (default 90) | --no-expiry]
  admin add-member --team <slug> --email <email> [--role engineer] [--password p]
  admin audit verify --team <slug> | --accounts          exits 1 naming the first audit event that does not verify
      (admin commands talk to the database named by DATABASE_URL, not to the API)`;

const FOOTER = `Environment: SWITCHYARD_URL (default http://localhost:3000), SWITCHYARD_TOKEN. Add --json for machine-readable output.
Exit codes: 0 done, 1 the API refused or the deployment or promotion failed, 2 bad usage.`;

export function usage(prog: string, withAdmin: boolean): string {
  return `usage: ${prog} <command> [arguments] [flags]\n\n${API_USAGE}\n${withAdmin ? `${ADMIN_USAGE}\n` : ""}\n${FOOTER}`;
}

const str = { type: "string" } as const;
const OPTIONS = {
  task: str, description: str, model: str, metrics: str, params: str, metadata: str, tags: str, dataset: str, parent: str, reference: str,
  environment: str, "sticky-header": str, "sticky-field": str, variant: { type: "string", multiple: true }, strategy: str, steps: str,
  "bake-seconds": str, "min-requests": str, "max-wait-seconds": str, reason: str, wait: { type: "boolean" }, "timeout-seconds": str,
  team: str, name: str, scopes: str, "expires-days": str, "no-expiry": { type: "boolean" }, email: str, role: str, password: str, accounts: { type: "boolean" },
  endpoint: str, file: str, from: str, to: str, version: str, alias: str, comment: str, q: str, tag: str, metric: str, sort: str, archived: { type: "boolean" },
  json: { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

import type { Flags } from "./flags";
export type { Flags };
export type Runner = (args: string[], flags: Flags, out: cmd.Out, err: cmd.Out) => Promise<unknown>;

const api = (fn: (c: ReturnType<typeof clientFromEnv>, args: string[], flags: Flags, out: cmd.Out) => Promise<unknown>): Runner => (a, f, o) => fn(clientFromEnv(), a, f, o);

/** The commands that talk to the REST API: all the bundled CLI has. */
export const API_COMMANDS: Record<string, Runner> = {
  "models create": api(cmd.modelsCreate),
  "models list": api(cmd.modelsList),
  "versions push": api(cmd.versionsPush),
  "versions list": api(cmd.versionsList),
  "versions reference": api(cmd.versionsReference),
  "alias set": api(cmd.aliasSet),
  "endpoints create": api(serving.endpointsCreate),
  "endpoints list": api(serving.endpointsList),
  "traffic set": api((c, a, f, o) => serving.trafficSet(c, a, f, o, Array.isArray(f.variant) ? f.variant : [])),
  "deployments wait": api(serving.deploymentsWait),
  "keys create": (a, f, o, e) => serving.keysCreate(clientFromEnv(), a, f, o, e),
  "keys list": api(serving.keysList),
  "keys revoke": api(serving.keysRevoke),
  "keys require": api(serving.keysRequire),
  promote: api(promotion.promote),
  "promotions wait": api(promotion.promotionsWait),
  "promotions cancel": api((c, a, f, o) => promotion.promotionsDecide(c, a, f, o, "cancel")),
  "feedback send": api(feedbackSend),
  "drift report": api(driftReport),
};

export type MainOptions = {
  commands: Record<string, Runner>;
  /** how the usage text names the program: `node switchyard.mjs`, `npm run cli --` */
  prog: string;
  /** command groups this build of the CLI does not have, with what to say instead (exit 2) */
  unavailable?: Record<string, string>;
  out?: cmd.Out;
  err?: cmd.Out;
};

export async function main(argv: string[], opts: MainOptions): Promise<number> {
  const { commands, prog, unavailable = {}, out = console.log, err = console.error } = opts;
  const text = usage(prog, Object.keys(commands).some((c) => c.startsWith("admin ")));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    err(`${(e as Error).message}\nRun \`${prog} --help\` for the commands and their flags.`);
    return 2;
  }
  if (parsed.values.help) {
    out(text);
    return 0;
  }
  const [group, action, ...rest] = parsed.positionals;
  if (group && unavailable[group]) {
    err(unavailable[group]);
    return 2;
  }
  // one-word commands (promote) take every positional after them
  const single = group && !group.includes(" ") ? commands[group] : undefined;
  const runner = single ?? commands[`${group} ${action}`];
  const args = single ? [action, ...rest].filter((a): a is string => a !== undefined) : rest;
  if (!runner) {
    err(`${group ? `unknown command: ${[group, action].filter(Boolean).join(" ")}\n\n` : ""}${text}`);
    return 2;
  }
  const json = Boolean(parsed.values.json);
  try {
    const result = await runner(args, parsed.values as Flags, json ? () => {} : out, err);
    if (json) out(JSON.stringify(result, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\nRun \`${prog} --help\` for the commands and their flags.`);
      return 2;
    }
    if (e instanceof CommandFailed) {
      if (json && e.result !== undefined) out(JSON.stringify(e.result, null, 2));
      err(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof ApiError) err(`error: ${e.message}${e.status ? ` (HTTP ${e.status}, ${e.code})` : ""}`);
    else err(`error: ${(e as Error).message}`);
    return 1;
  }
}
