// JSON columns: written from typed values, read back through their zod schema. A row that does
// not match its schema is corrupt (or from a future version) and fails loudly, naming the column.
import type { z } from "zod";
import type { Prisma } from "./client";

export type JsonData = string | number | boolean | null | JsonData[] | { [key: string]: JsonData | undefined };

export class StoredJsonError extends Error {}

export function readJson<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new StoredJsonError(`stored ${what} does not match its schema at ${[what, ...i.path.map(String)].join(".")}: ${i.message}`);
}

/** Plain data (what zod schemas produce) is what a JSON column takes. */
export const toJson = (value: JsonData): Prisma.InputJsonValue => value as Prisma.InputJsonValue;
