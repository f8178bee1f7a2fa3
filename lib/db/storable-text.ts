// What Postgres can store as text: no NUL (U+0000; neither `text` nor `jsonb` holds it), and no lone
// UTF-16 surrogate (it has no UTF-8 form: `text` silently turns it into U+FFFD, `jsonb` refuses it).
// Plain code, no zod: the gateway and the ingest screen use it per value.

// a surrogate that is not half of a pair
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Postgres could not store `s`, or null when it can. */
export function unstorableText(s: string): string | null {
  if (s.includes("\u0000")) return "a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(s)) return "a lone UTF-16 surrogate";
  return null;
}

export const isStorableText = (s: string): boolean => unstorableText(s) === null;

/**
 * The string as the prediction log stores it: unchanged when storable, else its JSON-escaped form
 * (`a\u0000b` → `a\\u0000b`, a lone surrogate → `\\udc00`). Model outputs are not checked like inputs
 * (onnxruntime returns whatever the model makes, NUL included); the client gets them as they are, the log
 * this marker, so the record is stored instead of dead-lettered.
 */
export function storableText(s: string): string {
  return unstorableText(s) ? JSON.stringify(s).slice(1, -1) : s;
}
