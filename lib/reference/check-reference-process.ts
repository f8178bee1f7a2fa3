// Entry script of the reference data check: a child process the web starts per pushed reference data
// set (check-reference.ts), with a time limit, a JS heap limit and a watch on its resident memory. It
// streams the file (UTF-8; CSV with a header, or JSON Lines when its first character is `{`), checks
// every row against the model's inputs, keeps at most `maxRows` of them (a seeded uniform sample beyond
// that), writes them in the stored form (reference-file.ts) and reports one `RESULT ` line on stdout.
import { createHash } from "node:crypto";
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { exitWithParent } from "../exit-with-parent";
import { buildProfile, type ReferenceProfile } from "../drift/build-profile";
import { fromCell, fromJson, ValueProblem, type CellValue, type ColumnSpec } from "./reference-columns";
import { encodeReference, type ReferenceTable } from "./reference-file";
import { RowSample } from "./sample-rows";

export type CheckOptions = { columns: ColumnSpec[]; maxRows: number; seed: number; maxRowChars: number };
export type CheckResult =
  | { ok: true; sha256: string; rows: number; sampledFrom: number; format: "csv" | "jsonl"; profile: ReferenceProfile }
  | { ok: false; message: string };

/** A problem with the data, worded for the person who pushed it. */
class Problem extends Error {}

const PROFILE_CATEGORIES = 1000;

/** The bytes of the file, checked to be UTF-8 (a character split between two chunks is checked whole). */
async function* utf8Bytes(file: string): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const cut = completeLength(chunk);
    if (!isUtf8(carry.length ? Buffer.concat([carry, chunk.subarray(0, cut)]) : chunk.subarray(0, cut))) throw new Problem("reference: the file is not UTF-8 text");
    carry = Buffer.from(chunk.subarray(cut));
    yield chunk;
  }
  if (carry.length) throw new Problem("reference: the file is not UTF-8 text (it ends inside a character)");
}

/** Where the chunk's last character starts when its bytes run past the end of the chunk (else its length). */
function completeLength(b: Buffer): number {
  for (let i = 1; i <= Math.min(3, b.length); i++) {
    const byte = b[b.length - i];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return size > i ? b.length - i : b.length;
  }
  return b.length;
}

/** The bytes again, from their start, and whether they are JSON Lines (the first non-blank character is `{`). */
async function sniff(bytes: AsyncGenerator<Buffer>): Promise<{ jsonl: boolean; bytes: AsyncGenerator<Buffer> }> {
  const head: Buffer[] = [];
  // by hand, not for-await: leaving a for-await loop would close the generator
  for (let next = await bytes.next(); !next.done; next = await bytes.next()) {
    const chunk = next.value;
    // a UTF-8 byte order mark, at the very start (chunks are 1 MiB: it is never split)
    const start = head.length === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
    head.push(chunk);
    const first = chunk.subarray(start).findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
    if (first >= 0) return { jsonl: chunk[start + first] === 0x7b, bytes: (async function* () { yield* head; yield* bytes; })() };
  }
  throw new Problem("reference: the file is empty");
}

const listed = (names: string[]) => names.slice(0, 5).map((n) => JSON.stringify(n)).join(", ") + (names.length > 5 ? ` and ${names.length - 5} more` : "");

function missingColumns(columns: ColumnSpec[], present: (name: string) => boolean): void {
  const required = columns.filter((c) => !c.optional).map((c) => c.name);
  const missing = required.filter((n) => !present(n));
  if (!missing.length) return;
  throw new Problem(`reference: ${missing.length === 1 ? "column" : "columns"} ${listed(missing)} ${missing.length === 1 ? "is" : "are"} missing; the model's inputs are ${listed(required)}`);
}

async function readCsv(bytes: AsyncIterable<Buffer>, opts: CheckOptions, sample: RowSample): Promise<void> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: opts.maxRowChars });
  Readable.from(bytes).on("error", (err) => parser.destroy(err)).pipe(parser);
  let header: string[] | null = null;
  let at: number[] = [];
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        for (const name of header) {
          if (seen.has(name) && opts.columns.some((c) => c.name === name)) throw new Problem(`reference: the header names column ${JSON.stringify(name)} twice`);
          seen.add(name);
        }
        missingColumns(opts.columns, (n) => seen.has(n));
        at = opts.columns.map((c) => header!.indexOf(c.name));
        continue;
      }
      row++;
      if (record.length !== header.length) throw new Problem(`reference row ${row}: ${record.length} fields where the header has ${header.length}`);
      const values: CellValue[] = new Array(opts.columns.length);
      for (let c = 0; c < opts.columns.length; c++) {
        // an optional (output) column the file does not have: missing in every row
        const v = at[c] < 0 ? null : fromCell(opts.columns[c].kind, record[at[c]]);
        if (v instanceof ValueProblem) throw new Problem(`reference row ${row}: column ${JSON.stringify(opts.columns[c].name)} ${v.problem}`);
        values[c] = v;
      }
      sample.add(values);
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const reason = err.code === "CSV_MAX_RECORD_SIZE" ? `a row is longer than ${opts.maxRowChars} characters` : Array.from(err.message.slice(0, 200), (ch) => (ch < " " ? " " : ch)).join("");
      throw new Problem(`reference: not valid CSV after row ${row}: ${reason}`);
    }
    throw err;
  }
  if (!header) throw new Problem("reference: the file is empty");
}

async function readJsonLines(bytes: AsyncIterable<Buffer>, opts: CheckOptions, sample: RowSample): Promise<void> {
  const present = new Set<string>();
  let line = 0;
  const take = (raw: string) => {
    line++;
    if (!raw.trim()) return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      throw new Problem(`reference row ${line}: not valid JSON`);
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new Problem(`reference row ${line}: must be a JSON object ({"column": value, …})`);
    const values: CellValue[] = new Array(opts.columns.length);
    for (let c = 0; c < opts.columns.length; c++) {
      const { name, kind } = opts.columns[c];
      const own = Object.hasOwn(obj, name);
      if (own) present.add(name);
      const v = fromJson(kind, own ? (obj as Record<string, unknown>)[name] : undefined);
      if (v instanceof ValueProblem) throw new Problem(`reference row ${line}: column ${JSON.stringify(name)} ${v.problem}`);
      values[c] = v;
    }
    sample.add(values);
  };
  const tooLong = () => new Problem(`reference row ${line + 1}: longer than ${opts.maxRowChars} characters`);
  const decoder = new TextDecoder("utf-8"); // drops a byte order mark; the bytes are UTF-8 (utf8Bytes)
  let rest = "";
  for await (const chunk of bytes) {
    rest += decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = rest.indexOf("\n", start)) >= 0) {
      if (nl - start > opts.maxRowChars) throw tooLong();
      take(rest.slice(start, rest.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
      start = nl + 1;
    }
    rest = rest.slice(start);
    if (rest.length > opts.maxRowChars) throw tooLong();
  }
  rest += decoder.decode();
  if (rest) take(rest);
  if (sample.seen > 0) missingColumns(opts.columns, (n) => present.has(n));
}

/** The profile kept for the console's request examples (drift reports read the rows themselves). */
function profileOf(table: ReferenceTable, outputs: Set<string>): ReferenceProfile {
  const columns: Record<string, (number | string)[]> = {};
  for (const c of table.columns) {
    if (outputs.has(c.name)) continue; // the examples show inputs
    const values: (number | string)[] = [];
    if (c.type === "number") for (const v of c.values) { if (!Number.isNaN(v)) values.push(v); }
    else for (const k of c.codes) { if (k >= 0) values.push(c.categories[k]); }
    if (values.length) columns[c.name] = values;
  }
  const profile = buildProfile(columns);
  for (const f of Object.values(profile.features)) {
    if (f.kind !== "categorical") continue;
    const top = Object.entries(f.frequencies).sort((a, b) => b[1] - a[1]).slice(0, PROFILE_CATEGORIES);
    f.frequencies = Object.fromEntries(top);
  }
  return profile;
}

export async function checkReferenceFile(input: string, output: string, opts: CheckOptions): Promise<CheckResult> {
  try {
    const { jsonl, bytes } = await sniff(utf8Bytes(input));
    const sample = new RowSample(opts.columns, opts.maxRows, opts.seed);
    await (jsonl ? readJsonLines : readCsv)(bytes, opts, sample);
    if (sample.seen === 0) throw new Problem("reference: no rows; send a header and at least one row (CSV) or one JSON object per line");
    const all = sample.table();
    // an output column the file did not bring is not kept (a reference without the model's predictions)
    const optional = new Set(opts.columns.filter((c) => c.optional).map((c) => c.name));
    const table = { ...all, columns: all.columns.filter((c) => !optional.has(c.name) || (c.type === "number" ? c.values.some((v) => !Number.isNaN(v)) : c.codes.some((k) => k >= 0))) };
    const stored = encodeReference(table);
    await writeFile(output, stored);
    return { ok: true, sha256: createHash("sha256").update(stored).digest("hex"), rows: table.rows, sampledFrom: table.sampledFrom, format: jsonl ? "jsonl" : "csv", profile: profileOf(table, new Set(opts.columns.filter((c) => c.optional).map((c) => c.name))) };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, message: err.message };
    throw err;
  }
}

if (process.argv[1]?.endsWith("check-reference-process.ts")) {
  exitWithParent(); // a web that goes away mid-check takes this process with it
  const [input, output, optionsJson] = process.argv.slice(2);
  const result = await checkReferenceFile(input, output, JSON.parse(optionsJson) as CheckOptions).catch((err: unknown): CheckResult => {
    const message = String((err as Error)?.message ?? err).split(input).join("the file").replace(/\s+/g, " ").slice(0, 300);
    return { ok: false, message: `reference: could not be read (${message})` };
  });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
