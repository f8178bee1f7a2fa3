// What Postgres can store, as zod schemas for every input that reaches it. A `text` or `jsonb` value
// cannot hold NUL (U+0000), and a lone UTF-16 surrogate has no UTF-8 form (text silently turns it
// into U+FFFD, jsonb refuses it); an `Int` column (and every Int compared in a query) stops at
// 2^31-1. Input schemas use these, so such values are a 400 naming the field, never a failed query.
// The API re-exports them from lib/api/contracts/shared.ts.
import { z } from "zod";

export const DB_INT_MIN = -2_147_483_648;
export const DB_INT_MAX = 2_147_483_647;

/** An integer that fits a Postgres `Int` column. Chain the field's own range: `dbInt.positive()`. */
export const dbInt = z.number().int().min(DB_INT_MIN).max(DB_INT_MAX);

/** The same, from a path or query parameter (text). */
export const dbIntParam = z.coerce.number().int().min(DB_INT_MIN).max(DB_INT_MAX);

// a surrogate that is not half of a pair
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_MESSAGE = "must not contain NUL characters or unpaired UTF-16 surrogates";

/** True when Postgres can store the string as it is. */
export const isStorableText = (s: string): boolean => !s.includes("\u0000") && !LONE_SURROGATE.test(s);

/** A string that is stored or compared in a query. Chain the field's own limits: `dbText.min(1).max(100)`. */
export const dbText = z.string().refine(isStorableText, UNSTORABLE_MESSAGE);

/** Checks every string and key inside a JSON value that is stored as it is given (z.unknown() fields). */
export function refineStorableJson(value: unknown, ctx: { addIssue: (issue: { code: "custom"; message: string; path: PropertyKey[]; input: unknown }) => void }, at: PropertyKey[] = []): void {
  if (typeof value === "string") {
    if (!isStorableText(value)) ctx.addIssue({ code: "custom", message: UNSTORABLE_MESSAGE, path: at, input: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refineStorableJson(v, ctx, [...at, i]));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) ctx.addIssue({ code: "custom", message: `key ${UNSTORABLE_MESSAGE}`, path: [...at, k], input: k });
      else refineStorableJson(v, ctx, [...at, k]);
    }
  }
}

/** Any JSON value, stored as given: every string and key in it must be storable. */
export const dbJson = z.unknown().superRefine((v, ctx) => refineStorableJson(v, ctx));
