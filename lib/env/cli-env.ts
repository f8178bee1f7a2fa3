// The CLI: API commands talk to the web app; admin commands (and `npm run migrate`) to the database.
import { baseFields } from "./base-env";
import { defineEnv, type EnvOf } from "./parse-env";
import { text, url } from "./schema-helpers";
import { authSecretFields, authSecretOf } from "./auth-secret";
import { SWITCHYARD_TOKEN_DESCRIPTION, SWITCHYARD_URL_DEFAULT, SWITCHYARD_URL_DESCRIPTION } from "./cli-connection";

export const cliEnv = defineEnv("CLI", {
  SWITCHYARD_URL: url({ protocols: ["http", "https"], default: SWITCHYARD_URL_DEFAULT, description: SWITCHYARD_URL_DESCRIPTION }),
  SWITCHYARD_TOKEN: text({ secret: true, default: undefined, description: SWITCHYARD_TOKEN_DESCRIPTION }),
});
export type CliEnv = EnvOf<typeof cliEnv>;

// In production the admin commands, like the web and the job workers, refuse a missing, short or default NEXTAUTH_SECRET.
export const adminEnv = defineEnv("CLI admin / migrate", { DATABASE_URL: baseFields.DATABASE_URL, ...authSecretFields }, (v, problem) => ({ ...v, NEXTAUTH_SECRET: authSecretOf(v, problem) }));
