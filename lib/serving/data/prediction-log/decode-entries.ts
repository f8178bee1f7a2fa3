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
    const binary = fieldOf(fields, BINARY_FIELD);
    const columnar = binary === undefined ? textOf(fieldOf(fields, COLUMNAR_FIELD)) : undefined;
    const packed = binary === undefined ? columnar ?? textOf(fieldOf(fields, LIST_FIELD)) : undefined;
    let parsed: unknown;
    try {
      parsed = packed === undefined ? undefined : JSON.parse(packed);
    } catch {
      parsed = undefined;
    }
    let list: unknown[];
    if (binary !== undefined) {
      const block = decodeLogBlock(Buffer.isBuffer(binary) ? binary : Buffer.from(binary, "latin1"));
      if ("issue" in block) {
        dead.push(deadLetter(`${entryId}#-`, null, `(${binary.length} bytes of a binary entry)`, block.issue));
        continue;
      }
      if (block.checked) {
        // checked column by column as it was read: the same verdicts as recordIssue and unstorableIn give
        block.records.forEach((raw, i) => items.push({ record: raw as PredictionRecord, source: `${entryId}#${i}`, raw }));
        continue;
      }
      list = block.records;
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
    for (let i = 0; i < list.length; i++) {
      const raw = list[i];
      const issue = recordIssue(raw);
      if (issue) {
        dead.push(deadLetter(`${entryId}#${i}`, raw, JSON.stringify(raw), `not a prediction record: ${issue}`));
        continue;
      }
      const record = raw as PredictionRecord;
      // screened here, before any database call: a string Postgres would refuse is dead-lettered at
      // once, not found by bisecting the batch (two transactions per such record)
      const bad = unstorableIn(record);
      if (bad) dead.push(deadLetter(`${entryId}#${i}`, raw, JSON.stringify(raw), `not storable: ${bad}`));
      else items.push({ record, source: `${entryId}#${i}`, raw });
    }
  }
  return { items, dead };
}

function fieldOf(fields: (string | Buffer)[], name: string): string | Buffer | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (String(fields[i]) === name) return fields[i + 1];
  return undefined;
}

const textOf = (x: string | Buffer | undefined) => (x === undefined ? undefined : String(x));

/** A dead letter for one record (or a whole entry), with what the record says about itself where it says it. */
export function deadLetter(source: string, raw: unknown, record: string, reason: string): DeadLetter {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === "string" ? x.slice(0, 200) : "");
  const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
  return { at: Date.now(), source, endpointId: str(r.e), variant: str(r.v), version: num(r.n), requestId: str(r.id), recordTime: num(r.t), reason, record };
}
