// Dead-lettered prediction records: what ingest could not store, kept in a Redis stream with the
// reason, written by the job workers' ingest consumer and read by the web app (per team, admins only).
import { z } from "zod";

/** The dead-letter stream keeps about this many records (older ones are trimmed). */
export const DEAD_LETTER_MAX_ENTRIES = 10_000;
/**
 * How long a dead-lettered record is remembered, so that replaying its stream entry (claimed again after
 * a consumer died before acknowledging it) does not add it again. All of them sit in one sorted set,
 * trimmed to this age and to DEAD_LETTER_MAX_ENTRIES members on every add: one key, bounded, not one
 * key per dead letter.
 */
export const DEAD_LETTER_SEEN_TTL_MS = 86_400_000;
/** The stored copy of a record is cut at this many characters. */
export const DEAD_LETTER_RECORD_CHARS = 64 * 1024;

export type DeadLetter = {
  /** when it was dead-lettered (epoch ms) */
  at: number;
  /** the prediction stream entry and the record's index in it, `<entry id>#<index>` (`#-` for the whole entry) */
  source: string;
  /** what the record says, where it says it ("" when it does not) */
  endpointId: string;
  variant: string;
  version: number | null;
  requestId: string;
  recordTime: number | null;
  reason: string;
  /** the record as received (JSON), cut at DEAD_LETTER_RECORD_CHARS */
  record: string;
};

const fieldsSchema = z.object({
  at: z.coerce.number(),
  source: z.string(),
  endpointId: z.string().default(""),
  variant: z.string().default(""),
  version: z.string().default(""),
  requestId: z.string().default(""),
  recordTime: z.string().default(""),
  reason: z.string(),
  record: z.string().default(""),
});

const numberOrNull = (s: string) => (s !== "" && Number.isFinite(Number(s)) ? Number(s) : null);

/** A dead letter as a stream entry's flat field list. */
export function encodeDeadLetter(d: DeadLetter): string[] {
  return [
    "at", String(d.at), "source", d.source, "endpointId", d.endpointId, "variant", d.variant, "version", d.version === null ? "" : String(d.version),
    "requestId", d.requestId, "recordTime", d.recordTime === null ? "" : String(d.recordTime), "reason", d.reason, "record", d.record.slice(0, DEAD_LETTER_RECORD_CHARS),
  ];
}

/** A stream entry's fields back as a dead letter; null when they are not one. */
export function decodeDeadLetter(fields: string[]): DeadLetter | null {
  const obj: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) obj[fields[i]] = fields[i + 1];
  const r = fieldsSchema.safeParse(obj);
  if (!r.success) return null;
  return { ...r.data, version: numberOrNull(r.data.version), recordTime: numberOrNull(r.data.recordTime) };
}
