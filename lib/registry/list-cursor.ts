// Opaque page cursors for the registry's lists: base64url JSON of the sort the page was read with and
// the last row's sort key and tiebreaker, so the next page starts strictly after it (keyset paging:
// rows added or removed meanwhile never shift a page, and no row is listed twice).
import { z } from "zod";
import { AppError } from "../errors";

const cursorSchema = z.object({ s: z.string(), k: z.union([z.string(), z.number(), z.null()]), t: z.union([z.string(), z.number()]) }).strict();
export type ListCursor = z.infer<typeof cursorSchema>;

export const encodeCursor = (c: ListCursor): string => Buffer.from(JSON.stringify(c)).toString("base64url");

/** The cursor, checked to come from a list read with the same sort; 400 naming `cursor` otherwise. */
export function decodeCursor(text: string, sort: string): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success) throw new AppError("bad_request", "not a cursor from this list: pass the nextCursor of the page before", { field: "cursor" });
  if (r.data.s !== sort) throw new AppError("bad_request", `this cursor is from a list sorted by "${r.data.s.slice(0, 100)}": keep the sort while paging, or start again without a cursor`, { field: "cursor" });
  return r.data;
}
