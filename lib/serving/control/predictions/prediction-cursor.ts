// The keyset cursor of the prediction log: where a page ended, as (time, id) of its last row, opaque
// to clients. Time is kept in microseconds, Postgres's precision: a JS Date (milliseconds) would skip
// or repeat rows stored between two milliseconds.
import { AppError } from "../../../errors";

/** Where a page ends: the (time, id) of its last row; `us` is microseconds since the epoch. */
export type Position = { us: bigint; id: bigint };

const CURSOR = /^([0-9]{1,18})\.([0-9]{1,19})$/;
const INT8_MAX = 9_223_372_036_854_775_807n;
const MAX_US = 253_402_300_799_999_999n;

/** Opaque to clients: base64url of "<µs since epoch>.<id>". */
export function encodeCursor(at: Position): string {
  return Buffer.from(`${at.us}.${at.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): Position {
  const m = CURSOR.exec(Buffer.from(cursor, "base64url").toString("latin1"));
  const bad = () => new AppError("bad_request", "not a cursor from this log: pass the nextCursor of the page before, unchanged", { field: "cursor" });
  if (!m || Buffer.from(cursor, "base64url").toString("base64url") !== cursor) throw bad();
  const us = BigInt(m[1]);
  const id = BigInt(m[2]);
  // a time from 1970 to 9999 (what an ISO time can say), an id within int8
  if (us > MAX_US || id > INT8_MAX) throw bad();
  return { us, id };
}
