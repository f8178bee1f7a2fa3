// Ingest's first step: stream entries → prediction records, each checked, or dead letters for what
// is not a storable prediction record (one record's fault never costs the others in its entry).
// Every entry form is read: binary (log-block.ts, what gateways write) and the JSON forms older gateways
// wrote (stream-entry.ts); each record is checked by recordIssue, then screened.
import type { DeadLetter } from "../../shared/dead-letters";
import { recordIssue, type PredictionRecord } from "./record";
import { COLUMNAR_FIELD, LIST_FIELD, unpackEntry } from "./stream-entry";
import { BINARY_FIELD, decodeLogBlock } from "./log-block";
import { unstorableIn } from "./screen-record";

/** An entry as Redis replies: as strings, or as buffers (the consumer reads buffers: binary entries are not UTF-8). */
export type Entry = [id: string | Buffer, fields: (string | Buffer)[]];
export type Item = { record: PredictionRecord; source: string; raw: unknown };

export function decodeEntries(entries: Entry[]): { items: Item[]; dead: DeadLetter[] } {
  const items: Item[] = [];
  const dead: DeadLetter[] = [];
  for (const [rawId, fields] of entries) {
    const entryId = String(rawId);
    const blocks = fieldsOf(fields, BINARY_FIELD);
    const columnar = blocks.length ? undefined : textOf(fieldsOf(fields, COLUMNAR_FIELD)[0]);
    const packed = blocks.length ? undefined : columnar ?? textOf(fieldsOf(fields, LIST_FIELD)[0]);
    let parsed: unknown;
    try {
      parsed = packed === undefined ? undefined : JSON.parse(packed);
    } catch {
      parsed = undefined;
    }
    let list: unknown[];
    if (blocks.length) {
      // an entry holds one or more blocks (one per endpoint); its records are numbered across them
      let index = 0;
      blocks.forEach((b, k) => {
        const bytes = Buffer.isBuffer(b) ? b : Buffer.from(b, "latin1");
        let block: ReturnType<typeof decodeLogBlock>;
        try {
          block = decodeLogBlock(bytes);
        } catch (err) {
          // a decoder bug must not stop ingest: the entry would be retried, and fail, for ever
          block = { issue: `the binary entry could not be read: ${(err as Error).message}` };
        }
        if ("issue" in block) {
          dead.push(deadLetter(`${entryId}#-${k ? k : ""}`, null, `(${bytes.length} bytes of a binary entry: ${bytes.subarray(0, 96).toString("base64")}…)`, block.issue));
          return;
        }
        if (block.checked) {
          // checked column by column as it was read: the same verdicts as recordIssue and unstorableIn give
          for (const raw of block.records) items.push({ record: raw as PredictionRecord, source: `${entryId}#${index++}`, raw });
        } else {
          for (const raw of block.records) checkRecord(raw, `${entryId}#${index++}`, items, dead);
        }
      });
      continue;
    } else if (columnar !== undefined) {
      const unpacked = unpackEntry(parsed);
      if ("issue" in unpacked) {
        dead.push(deadLetter(`${entryId}#-`, null, columnar, parsed === undefined ? "the stream entry is not JSON" : unpacked.issue));
        continue;
      }
      list = unpacked.records;
    } else if (Array.isArray(parsed)) list = parsed;
    else {
      dead.push(deadLetter(`${entryId}#-`, null, packed ?? JSON.stringify(fields.map(String)), "the stream entry is not a JSON list of prediction records"));
      continue;
    }
    for (let i = 0; i < list.length; i++) checkRecord(list[i], `${entryId}#${i}`, items, dead);
  }
  return { items, dead };
}

/** A record checked (recordIssue), then screened (unstorableIn): an item, or a dead letter. */
function checkRecord(raw: unknown, source: string, items: Item[], dead: DeadLetter[]): void {
  const issue = recordIssue(raw);
  if (issue) {
    dead.push(deadLetter(source, raw, JSON.stringify(raw), `not a prediction record: ${issue}`));
    return;
  }
  const record = raw as PredictionRecord;
  // screened here, before any database call: a string Postgres would refuse is dead-lettered at
  // once, not found by bisecting the batch (two transactions per such record)
  const bad = unstorableIn(record);
  if (bad) dead.push(deadLetter(source, raw, JSON.stringify(raw), `not storable: ${bad}`));
  else items.push({ record, source, raw });
}

/** The values of every field called `name`, in order. */
function fieldsOf(fields: (string | Buffer)[], name: string): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) if (String(fields[i]) === name) out.push(fields[i + 1]);
  return out;
}

const textOf = (x: string | Buffer | undefined) => (x === undefined ? undefined : String(x));

/** A dead letter for one record (or a whole entry), with what the record says about itself where it says it. */
export function deadLetter(source: string, raw: unknown, record: string, reason: string): DeadLetter {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === "string" ? x.slice(0, 200) : "");
  const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
  return { at: Date.now(), source, endpointId: str(r.e), variant: str(r.v), version: num(r.n), requestId: str(r.id), recordTime: num(r.t), reason, record };
}
