// The README's configuration table, generated from the schemas (npm run docs:config writes it;
// tests/env.test.ts fails when the README and the schemas disagree).
import { adminEnv, cliEnv } from "./cli-env";
import { gatewayEnv } from "./gateway-env";
import { inferenceEnv } from "./inference-env";
import { jobsEnv } from "./jobs-env";
import type { EnvSpec } from "./parse-env";
import { envDocs, type EnvDoc } from "./schema-helpers";
import { startEnv } from "./start-env";
import { webEnv } from "./web-env";

/** Every process's schema, in the order the table lists their variables. */
export const ALL_ENVS: EnvSpec[] = [webEnv, startEnv, gatewayEnv, inferenceEnv, jobsEnv, cliEnv, adminEnv];

export const CONFIG_TABLE_START = "<!-- config-table:start (generated from lib/env by `npm run docs:config`; do not edit by hand) -->";
export const CONFIG_TABLE_END = "<!-- config-table:end -->";

export function configRows(): { name: string; doc: EnvDoc; usedBy: string[] }[] {
  const rows = new Map<string, { name: string; doc: EnvDoc; usedBy: string[] }>();
  for (const spec of ALL_ENVS) {
    for (const [name, schema] of Object.entries(spec.shape)) {
      const doc = envDocs.get(schema);
      if (!doc) throw new Error(`${name} (${spec.usedBy}) has no documentation: build it with lib/env/schema-helpers.ts`);
      const row = rows.get(name);
      if (row && row.doc !== doc) throw new Error(`${name} is defined twice with different documentation (${row.usedBy.join(", ")} and ${spec.usedBy}): share one definition`);
      if (row) row.usedBy.push(spec.usedBy);
      else rows.set(name, { name, doc, usedBy: [spec.usedBy] });
    }
  }
  return [...rows.values()];
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function configTable(): string {
  const lines = [
    "| variable | default | what | used by |",
    "| --- | --- | --- | --- |",
    ...configRows().map((r) => `| \`${r.name}\` | ${cell(r.doc.default)} | ${cell(r.doc.description)} | ${r.usedBy.join(", ")} |`),
  ];
  return lines.join("\n");
}

/** The README with its table replaced by the generated one. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no configuration table markers (${CONFIG_TABLE_START} … ${CONFIG_TABLE_END})`);
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
