// Ingest's first step: stream entries → gateways' blocks that hold only storable records (kept whole,
// read column by column: no record is made of each), prediction records checked one by one (older
// gateways' entries, and blocks that hold something to turn away), and dead letters for what is not a
// storable prediction record (one record's fault never costs the others in its entry).
// Every entry form is read: binary (log-block.ts, what gateways write) and the JSON forms older gateways
// wrote (stream-entry.ts); each record is checked by recordIssue, then screened.
import type { DeadLetter } from "../../shared/dead-letters";
import { recordIssue, type PredictionRecord } from "../../shared/prediction-log/record";
import { COLUMNAR_FIELD, LIST_FIELD, unpackEntry } from "./stream-entry";
import { BINARY_FIELD, recordsOf, viewLogBlock, type LogBlockView } from "../../shared/prediction-log/log-block";
import { unstorableIn } from "./screen-record";
import type { SourceBlock } from "./block-rows";

/** An entry as Redis replies: as strings, or as buffers (the consumer reads buffers: binary entries are not UTF-8). */
export type Entry = [id: string | Buffer, fields: (string | Buffer)[]];
/** The block (or older entry) a record came in: its records are stored together (block-rows.ts). */
export type SourceRef = object;
export type Item = { record: PredictionRecord; source: string; raw: unknown; from: SourceRef };
/** A gateway's block whose every record passed the checks; its records are numbered from `first` in its entry. */
export type BlockItem = { view: LogBlockView; entryId: string; first: number };

export function decodeEntries(entries: Entry[]): { items: Item[]; blocks: BlockItem[]; dead: DeadLetter[] } {
  const items: Item[] = [];
  const blocks: BlockItem[] = [];
  const dead: DeadLetter[] = [];
  for (const [rawId, fields] of entries) {
    const entryId = String(rawId);
    const binary = fieldsOf(fields, BINARY_FIELD);
    const columnar = binary.length ? undefined : textOf(fieldsOf(fields, COLUMNAR_FIELD)[0]);
    const packed = binary.length ? undefined : columnar ?? textOf(fieldsOf(fields, LIST_FIELD)[0]);
    let parsed: unknown;
    try {
      parsed = packed === undefined ? undefined : JSON.parse(packed);
    } catch {
      parsed = undefined;
    }
    let list: unknown[];
    if (binary.length) {
      // an entry holds one or more blocks (one per endpoint); its records are numbered across them
      let index = 0;
      binary.forEach((b, k) => {
        const bytes = Buffer.isBuffer(b) ? b : Buffer.from(b, "latin1");
        let block: ReturnType<typeof viewLogBlock>;
        try {
          block = viewLogBlock(bytes);
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
          blocks.push({ view: block, entryId, first: index });
          index += block.n;
        } else {
          const from: SourceRef = {};
          for (const raw of recordsOf(block)) checkRecord(raw, `${entryId}#${index++}`, from, items, dead);
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
    const from: SourceRef = {};
    for (let i = 0; i < list.length; i++) checkRecord(list[i], `${entryId}#${i}`, from, items, dead);
  }
  return { items, blocks, dead };
}

/** A block's records as items (when Postgres refused the block, to find the records it refused). */
export function itemsOfBlock(b: BlockItem): Item[] {
  const from: SourceRef = {};
  return recordsOf(b.view).map((raw, i) => ({ record: raw as PredictionRecord, source: `${b.entryId}#${b.first + i}`, raw, from }));
}

/** A record checked (recordIssue), then screened (unstorableIn): an item, or a dead letter. */
function checkRecord(raw: unknown, source: string, from: SourceRef, items: Item[], dead: DeadLetter[]): void {
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
  else items.push({ record, source, raw, from });
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

/** Items and blocks as the blocks to store: a gateway's block as it is, the records of one source together. */
export function sourcesOf(units: readonly (Item | BlockItem)[]): SourceBlock[] {
  const out: SourceBlock[] = [];
  const by = new Map<SourceRef, PredictionRecord[]>();
  for (const x of units) {
    if ("view" in x) {
      out.push({ view: x.view });
      continue;
    }
    const g = by.get(x.from);
    if (g) g.push(x.record);
    else by.set(x.from, [x.record]);
  }
  for (const records of by.values()) out.push({ records });
  return out;
}
