// The one place that reads process.env. Each process parses its own schema once, at start:
// `loadEnv(gatewayEnv)` returns typed, defaulted values, or stops the process (exit 1) with one
// line per bad variable, naming it, what it expects and what it got — no stack trace.
import { z } from "zod";

type RawEnv = Record<string, string | undefined>;

export type EnvSpec<Shape extends z.ZodRawShape = z.ZodRawShape, Out = unknown> = {
  /** who reads these variables, as the README's "used by" column says it */
  usedBy: string;
  shape: Shape;
  /** derives values from others (a default that follows another variable) and reports combinations that cannot work */
  finish(values: z.output<z.ZodObject<Shape, z.core.$strip>>, problem: (message: string) => void): Out;
};

export type EnvOf<S> = S extends EnvSpec<z.ZodRawShape, infer Out> ? Out : never;

export function defineEnv<Shape extends z.ZodRawShape, Out = z.output<z.ZodObject<Shape, z.core.$strip>>>(
  usedBy: string,
  shape: Shape,
  finish?: (values: z.output<z.ZodObject<Shape, z.core.$strip>>, problem: (message: string) => void) => Out,
): EnvSpec<Shape, Out> {
  return { usedBy, shape, finish: finish ?? ((v) => v as unknown as Out) };
}

export class EnvError extends Error {
  constructor(readonly usedBy: string, readonly problems: string[]) {
    super(`invalid configuration for ${usedBy}:\n${problems.map((p) => `  ${p}`).join("\n")}\n(the README's Configuration table lists every variable)`);
    this.name = "EnvError";
  }
}

/** Parses and checks; throws an EnvError listing every bad variable. */
export function parseEnv<Shape extends z.ZodRawShape, Out>(spec: EnvSpec<Shape, Out>, env: RawEnv = process.env): Out {
  const r = z.object(spec.shape).safeParse(env);
  if (!r.success) throw new EnvError(spec.usedBy, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const problems: string[] = [];
  const out = spec.finish(r.data, (m) => problems.push(m));
  if (problems.length) throw new EnvError(spec.usedBy, problems);
  return out;
}

/** For a process's entry point: parse, or print the problems and exit 1. */
export function loadEnv<Shape extends z.ZodRawShape, Out>(spec: EnvSpec<Shape, Out>, env: RawEnv = process.env): Out {
  try {
    return parseEnv(spec, env);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
