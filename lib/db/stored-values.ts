// What Postgres can store, as zod schemas for every input that reaches it. A `text` or `jsonb` value
// cannot hold NUL (U+0000), and a lone UTF-16 surrogate has no UTF-8 form (text silently turns it
// into U+FFFD, jsonb refuses it); an `Int` column (and every Int compared in a query) stops at
// 2^31-1. Input schemas use these, so such values are a 400 naming the field, never a failed query.
// The API re-exports them from lib/api/contracts/shared.ts.
import { z } from "zod";
import { isStorableText } from "./storable-text";

export const DB_INT_MIN = -2_147_483_648;
export const DB_INT_MAX = 2_147_483_647;

/** An integer that fits a Postgres `Int` column. Chain the field's own range: `dbInt.positive()`. */
export const dbInt = z.number().int().min(DB_INT_MIN).max(DB_INT_MAX);

/** The same, from a path or query parameter (text). */
export const dbIntParam = z.coerce.number().int().min(DB_INT_MIN).max(DB_INT_MAX);

const UNSTORABLE_MESSAGE = "must not contain NUL characters or unpaired UTF-16 surrogates";

export { isStorableText };

/** A string that is stored or compared in a query. Chain the field's own limits: `dbText.min(1).max(100)`. */
export const dbText = z.string().refine(isStorableText, UNSTORABLE_MESSAGE);

type PathNode = { key: PropertyKey; up: PathNode | null } | null;
const pathOf = (n: PathNode): PropertyKey[] => {
  const out: PropertyKey[] = [];
  for (let p = n; p; p = p.up) out.unshift(p.key);
  return out;
};

/**
 * Checks every string and key inside a JSON value that is stored as it is given (z.unknown() fields).
 * Iterative, and a path is built only for a value that fails: a large or deep value costs one visit per
 * node, never depth × nodes, and cannot run out of stack.
 */
export function refineStorableJson(value: unknown, ctx: { addIssue: (issue: { code: "custom"; message: string; path: PropertyKey[]; input: unknown }) => void }, at: PropertyKey[] = []): void {
  let base: PathNode = null;
  for (const key of at) base = { key, up: base };
  const stack: [unknown, PathNode][] = [[value, base]];
  while (stack.length) {
    const [v, where] = stack.pop()!;
    if (typeof v === "string") {
      if (!isStorableText(v)) ctx.addIssue({ code: "custom", message: UNSTORABLE_MESSAGE, path: pathOf(where), input: v });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: i, up: where }]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (!isStorableText(k)) ctx.addIssue({ code: "custom", message: `key ${UNSTORABLE_MESSAGE}`, path: pathOf({ key: k, up: where }), input: k });
        else stack.push([child, { key: k, up: where }]);
      }
    }
  }
}

/** Any JSON value, stored as given: every string and key in it must be storable. */
export const dbJson = z.unknown().superRefine((v, ctx) => refineStorableJson(v, ctx));
