// The CLI: API commands talk to the web app; admin commands (and `npm run migrate`) to the database.
import { baseFields } from "./base-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { text, url } from "./schema-helpers";

export const cliEnv = defineEnv("CLI", {
  SWITCHYARD_URL: url({ protocols: ["http", "https"], default: "http://localhost:3000", description: "the web app the CLI talks to" }),
  SWITCHYARD_TOKEN: text({ secret: true, default: undefined, description: "the CLI's API token (`sy_…`)" }),
});
export type CliEnv = EnvOf<typeof cliEnv>;

export const adminEnv = defineEnv("CLI admin / migrate", { DATABASE_URL: baseFields.DATABASE_URL });
