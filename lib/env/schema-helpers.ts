// Builders for environment variables. Each one is a zod schema over the raw string (unset and
// empty both mean "use the default") that coerces, checks the range, and on a bad value reports
// what it expects and what it got. Each also carries its documentation (envDocs), from which
// the README's configuration table is generated (npm run docs:config).
import { z } from "zod";

export type EnvDoc = {
  /** the README's "what" column */
  description: string;
  /** the README's "default" column, as Markdown */
  default: string;
  /** what a valid value looks like, as said in error messages */
  expects: string;
};

/** Documentation for every variable schema built here; `lib/env/docs.ts` reads it. */
export const envDocs = z.registry<EnvDoc>();

type Common<D> = { description: string; default: D; /** Markdown for the README when the default is not a plain value */ docDefault?: string };

const code = (v: unknown) => `\`${String(v)}\``;

/** Shows a bad value in an error message without giving away credentials or secrets. */
function shown(raw: string, secret: boolean): string {
  if (secret) return "a value of that shape (not shown: it is secret)";
  return JSON.stringify(raw.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@"));
}

function envVar<T, D extends T | undefined>(
  spec: Common<D> & { expects: string; parse: (raw: string) => T | undefined; secret?: boolean; docDefaultOf?: (d: T) => string },
) {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T | D => {
      const value = raw?.trim();
      if (value === undefined || value === "") return spec.default;
      const parsed = spec.parse(value);
      if (parsed === undefined) {
        ctx.addIssue({ code: "custom", message: `expected ${spec.expects}, got ${shown(raw!, spec.secret ?? false)}` });
        return z.NEVER;
      }
      return parsed;
    });
  const docDefault = spec.docDefault ?? (spec.default === undefined ? "unset" : (spec.docDefaultOf ?? code)(spec.default as T));
  envDocs.add(schema, { description: spec.description, default: docDefault, expects: spec.expects });
  return schema;
}

/** A whole number in a range: `5000`, not `5s` or `5e3`. */
export function wholeNumber<D extends number | undefined>(opts: Common<D> & { min: number; max?: number; unit?: string; noun?: string }) {
  const noun = opts.noun ?? `a whole number${opts.unit ? ` of ${opts.unit}` : ""}`;
  const range = opts.max === undefined ? ` ≥ ${opts.min}` : ` from ${opts.min} to ${opts.max}`;
  return envVar<number, D>({
    ...opts,
    expects: `${noun}${range}`,
    parse: (raw) => {
      if (!/^\d+$/.test(raw)) return undefined;
      const n = Number(raw);
      return Number.isSafeInteger(n) && n >= opts.min && (opts.max === undefined || n <= opts.max) ? n : undefined;
    },
  });
}

export const port = <D extends number | undefined>(opts: Common<D>) => wholeNumber({ ...opts, min: 1, max: 65_535, noun: "a port number" });

/** An absolute URL with one of the given schemes. */
export function url<D extends string | undefined>(opts: Common<D> & { protocols: string[] }) {
  const schemes = opts.protocols.map((p) => `${p}://`);
  return envVar<string, D>({
    ...opts,
    expects: `a URL starting with ${schemes.length > 1 ? `${schemes.slice(0, -1).join(", ")} or ${schemes.at(-1)}` : schemes[0]}`,
    parse: (raw) => {
      try {
        return opts.protocols.includes(new URL(raw).protocol.slice(0, -1)) ? raw : undefined;
      } catch {
        return undefined;
      }
    },
  });
}

/** One of a fixed set of words. */
export function oneOf<const V extends string, const D extends V | undefined>(values: readonly V[], opts: Common<D>) {
  const list = values.map((v) => `"${v}"`);
  return envVar<V, D>({
    ...opts,
    expects: `one of ${list.slice(0, -1).join(", ")} or ${list.at(-1)}`,
    parse: (raw) => (values as readonly string[]).includes(raw) ? (raw as V) : undefined,
  });
}

/** On or off: `1`/`0` (also `true`/`false`). */
export function flag(opts: Common<boolean>) {
  return envVar<boolean, boolean>({
    ...opts,
    expects: `1 or 0`,
    parse: (raw) => (["1", "true"].includes(raw.toLowerCase()) ? true : ["0", "false"].includes(raw.toLowerCase()) ? false : undefined),
    docDefaultOf: (d) => code(d ? 1 : 0),
  });
}

/** Free text (a host name, a path, an email, a secret). Secrets are never echoed in errors. */
export function text<D extends string | undefined>(opts: Common<D> & { secret?: boolean; pattern?: RegExp; expects?: string }) {
  return envVar<string, D>({
    ...opts,
    expects: opts.expects ?? "a non-empty string",
    parse: (raw) => (opts.pattern && !opts.pattern.test(raw) ? undefined : raw),
  });
}
