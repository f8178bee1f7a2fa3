// The served CLI reads its variables without zod; it must read them exactly as the documented schema does.
import { describe, expect, it } from "vitest";
import { readCliConnection, CliEnvError } from "../../lib/env/cli-connection";
import { cliEnv } from "../../lib/env/cli-env";
import { EnvError, parseEnv } from "../../lib/env/parse-env";

const cases: Record<string, string | undefined>[] = [
  {},
  { SWITCHYARD_URL: "https://switchyard.example.com/", SWITCHYARD_TOKEN: "sy_abc" },
  { SWITCHYARD_URL: "http://10.0.0.5:3000" },
  { SWITCHYARD_URL: "ftp://example.com" },
  { SWITCHYARD_URL: "not a url" },
  { SWITCHYARD_URL: "", SWITCHYARD_TOKEN: "" },
];

describe("the CLI's connection settings", () => {
  it.each(cases)("read the same as the documented schema: %o", (env) => {
    let schema: { url: string; token: string | undefined } | "refused";
    try {
      const v = parseEnv(cliEnv, env);
      schema = { url: v.SWITCHYARD_URL, token: v.SWITCHYARD_TOKEN };
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      schema = "refused";
    }
    let plain: { url: string; token: string | undefined } | "refused";
    try {
      plain = readCliConnection(env);
    } catch (err) {
      expect(err).toBeInstanceOf(CliEnvError);
      expect((err as Error).message).toMatch(/^SWITCHYARD_URL: /);
      plain = "refused";
    }
    expect(plain).toEqual(schema);
  });
});
