// The prediction log's columnar copy of served answers, for drift reports ("PredictionColumns").
// Reading a million records' inputs back out of the JSONB column costs Postgres seconds of CPU per
// million (jsonb → text, or one path extraction per feature per record) before the reader has parsed
// anything (`npm run bench:monitoring` prints the figure). Ingest already holds every record parsed, so it
// also writes them here, column by column, in the form a reader copies straight into typed arrays.
//
// One block = the served rows of one endpoint, model version and UTC hour in one ingest batch (several
// per hour; compactColumnBlocks merges an hour's blocks once it is over). Layout, little-endian:
//   u32 header length · header JSON · zero padding to a multiple of 8 · one section per column
//   header: { v: 1, rows, t0: epoch ms of the earliest row, cols: [{ n: name, k: kind, w?, l? }],
//             p: index in cols of the prediction (the model's first output), or -1 }
//   section "t" (always first, unnamed): i32 ms since t0, one per row
//   kind "f64": float64 per row, NaN = missing (any column with a missing value, or non-integers)
//   kind "i32": int32 per row (a column of integers only, none missing: half the bytes)
//   kind "dict": code per row in w (1, 2 or 4) bytes, 0 = missing, code c = labels l[c - 1]; labels keep
//                their JSON type, so a column mixing strings and numbers stays exact
// Every section starts 8-aligned, so a reader can copy float64 sections into a Float64Array as bytes.
import type { PredictionRecord } from "../../shared/prediction-log/record";
import type { LogBlockView } from "../../shared/prediction-log/log-block";

export const BLOCK_FORMAT = 1;

export type BlockColumn = { n: string; k: "f64" | "i32" | "dict"; w?: 1 | 2 | 4; l?: (number | string)[] };
export type BlockHeader = { v: number; rows: number; t0: number; cols: BlockColumn[]; p: number };

/** Where each column's section lies in the block (byte offsets from the block's start). */
export type BlockLayout = { header: BlockHeader; timeAt: number; at: number[] };

const align8 = (n: number) => (n + 7) & ~7;
const bytesPer = (c: BlockColumn) => (c.k === "dict" ? c.w! : c.k === "i32" ? 4 : 8);

/**
 * The values of one column for each of a record's `rows` rows. Tabular inputs hold one value per row;
 * a tensor with k values per row (class probabilities) gives each row its first value; any other
 * length leaves the record's rows missing.
 */
function perRow(values: unknown, rows: number, out: unknown[]): void {
  const n = Array.isArray(values) ? values.length : 0;
  const stride = rows > 0 && n > 0 && n % rows === 0 ? n / rows : 0;
  for (let i = 0; i < rows; i++) out.push(stride ? usable((values as unknown[])[i * stride]) : NaN);
}

function columnOf(name: string, values: unknown[]): { col: BlockColumn; write: (buf: Buffer, at: number) => void } {
  let numbers = true;
  let ints = true;
  for (const v of values) {
    if (typeof v === "number" && Number.isFinite(v)) {
      if (ints && (!Number.isInteger(v) || v > 2147483647 || v < -2147483648 || Object.is(v, -0))) ints = false;
    } else if (typeof v === "string") {
      numbers = false;
      break;
    } else ints = false; // missing (null, absent, not a number or string)
  }
  // sections are 8-aligned in a block allocated on its own (allocate: byteOffset 0): written through typed views
  if (numbers && ints) {
    return { col: { n: name, k: "i32" }, write: (buf, at) => { const out = new Int32Array(buf.buffer, buf.byteOffset + at, values.length); for (let i = 0; i < values.length; i++) out[i] = values[i] as number; } };
  }
  if (numbers) {
    return {
      col: { n: name, k: "f64" },
      write: (buf, at) => {
        const out = new Float64Array(buf.buffer, buf.byteOffset + at, values.length);
        for (let i = 0; i < values.length; i++) { const v = values[i]; out[i] = typeof v === "number" && Number.isFinite(v) ? v : NaN; }
      },
    };
  }
  const labels: (number | string)[] = [];
  const index = new Map<number | string, number>();
  const codes = new Uint32Array(values.length);
  values.forEach((v, i) => {
    if (typeof v !== "string" && !(typeof v === "number" && Number.isFinite(v))) return;
    let c = index.get(v);
    if (c === undefined) index.set(v, (c = labels.push(v)));
    codes[i] = c;
  });
  const w = labels.length < 255 ? 1 : labels.length < 65535 ? 2 : 4;
  const write = (buf: Buffer, at: number) => {
    const Out = w === 1 ? Uint8Array : w === 2 ? Uint16Array : Uint32Array;
    new Out(buf.buffer as ArrayBuffer, buf.byteOffset + at, codes.length).set(codes);
  };
  return { col: { n: name, k: "dict", w, l: labels }, write };
}

/**
 * One block of the given records (all rows of each, in order). The prediction is each record's first
 * output as the gateway logged it (outputs keep the model's order through JSON), named in the header.
 */
export function encodeColumnBlock(records: PredictionRecord[]): { block: Buffer; rows: number; t0: number } {
  const b = new ColumnBlockBuilder();
  for (const r of records) b.addRecord(r);
  return b.build();
}

/**
 * A value as a column holds it: a number or a string, and NaN for anything else (missing: null, absent, a
 * boolean). columnOf treats NaN and null alike, and a column of numbers with NaN for missing stays an array
 * of unboxed doubles in V8, where one null would make every number pushed after it an object to collect.
 */
const usable = (x: unknown): number | string => (typeof x === "number" || typeof x === "string" ? x : NaN);

/** The values of column c for each of record j's rows of a log block, as perRow takes them from a record. */
function perRowOf(v: LogBlockView, c: number, j: number, rows: number, out: unknown[]): void {
  const n = v.counts[c][j];
  const stride = rows > 0 && n > 0 && n % rows === 0 ? n / rows : 0;
  const src = v.values[c];
  const s = v.starts[c][j];
  for (let i = 0; i < rows; i++) {
    if (!stride) out.push(NaN);
    else {
      const x = src[s + i * stride];
      out.push(typeof x === "bigint" ? Number(x) : usable(x));
    }
  }
}

/**
 * A block's rows as they come, record by record: from records, or from a log block's columns without
 * making a record of each (ingest). Columns appear in the order first seen; a column a record lacks is
 * missing for its rows.
 */
export class ColumnBlockBuilder {
  private names: string[] = [];
  private index = new Map<string, number>();
  private values: unknown[][] = [];
  private times: number[] = [];
  private prediction: unknown[] = [];
  private predictionName: string | null = null;

  get rows(): number {
    return this.times.length;
  }

  private column(name: string): unknown[] {
    let c = this.index.get(name);
    if (c === undefined) {
      this.index.set(name, (c = this.names.push(name) - 1));
      this.values.push(new Array(this.times.length).fill(NaN));
    }
    return this.values[c];
  }

  /** Closes a record of `rows` rows at time t. */
  private close(t: number, rows: number): void {
    for (let i = 0; i < rows; i++) this.times.push(t);
    this.pad();
  }

  /** Every column as long as the rows so far: missing for rows that did not have it. */
  private pad(): void {
    const n = this.times.length;
    for (const col of this.values) while (col.length < n) col.push(NaN);
  }

  addRecord(r: PredictionRecord): void {
    if (r.in) for (const k of Object.keys(r.in)) perRow(r.in[k], r.r, this.column(k));
    this.predictionName ??= Object.keys(r.out ?? {})[0] ?? null;
    perRow(this.predictionName === null ? undefined : r.out?.[this.predictionName], r.r, this.prediction);
    this.close(r.t, r.r);
  }

  /**
   * Records `js` of a log block (drift rows, isDriftRowOf, in order), column by column: the same rows, columns
   * and column order as adding each as a record, without a call per record and column.
   */
  addFromBlock(v: LogBlockView, js: ArrayLike<number>): void {
    if (!js.length) return;
    // the builder's columns the block's input columns go to (two of the block's may share a name, logged
    // as two kinds: a record has one of them), made in the order records first have them
    const targets = new Map<unknown[], number[]>();
    const seenSigs = new Set<number>();
    for (let x = 0; x < js.length; x++) {
      const g = v.sg[js[x]];
      if (seenSigs.has(g)) continue;
      seenSigs.add(g);
      for (const c of v.sigs[g].i ?? []) {
        const col = this.column(v.cols[c].n);
        const list = targets.get(col);
        if (!list) targets.set(col, [c]);
        else if (!list.includes(c)) list.push(c);
      }
      if (this.predictionName === null && v.sigs[g].o?.length) this.predictionName = v.cols[v.sigs[g].o![0]].n;
    }
    // per layout (by its index in the block): which columns its records have, and its prediction column
    const name = this.predictionName;
    const present: Uint8Array[] = [];
    const predictionOf: number[] = [];
    for (const g of seenSigs) {
      present[g] = new Uint8Array(v.cols.length);
      for (const c of v.sigs[g].i ?? []) present[g][c] = 1;
      const o = v.sigs[g].o;
      predictionOf[g] = name === null || !o ? -1 : (o.find((c) => v.cols[c].n === name) ?? -1);
    }
    for (const [col, cs] of targets) {
      for (let x = 0; x < js.length; x++) {
        const j = js[x];
        const has = present[v.sg[j]];
        let c = -1;
        for (let k = 0; k < cs.length; k++) if (has[cs[k]]) c = cs[k];
        if (c >= 0) perRowOf(v, c, j, v.rw[j], col);
        else for (let i = 0; i < v.rw[j]; i++) col.push(NaN);
      }
    }
    for (let x = 0; x < js.length; x++) {
      const j = js[x];
      const p = predictionOf[v.sg[j]];
      if (p >= 0) perRowOf(v, p, j, v.rw[j], this.prediction);
      else for (let i = 0; i < v.rw[j]; i++) this.prediction.push(NaN);
      for (let i = 0; i < v.rw[j]; i++) this.times.push(v.t[j]);
    }
    this.pad();
  }

  build(): { block: Buffer; rows: number; t0: number } {
    let t0 = Infinity;
    for (const t of this.times) if (t < t0) t0 = t;
    const times = new Int32Array(this.times.length);
    for (let i = 0; i < times.length; i++) times[i] = this.times[i] - t0;
    return assemble(t0, times, this.names, this.values, this.predictionName, this.prediction);
  }
}

/** Where a block's sections go: after the 4-byte header length and the header, the times, then each column, each 8-aligned. */
function sectionsOf(headerLength: number, header: BlockHeader): { timeAt: number; starts: number[]; end: number } {
  let at = align8(4 + headerLength);
  const timeAt = at;
  at = align8(at + 4 * header.rows);
  const starts = header.cols.map((c) => {
    const s = at;
    at = align8(at + bytesPer(c) * header.rows);
    return s;
  });
  return { timeAt, starts, end: at };
}

/** A zeroed block for `header`, with the header written and where each section starts. */
function allocate(header: BlockHeader): { block: Buffer; timeAt: number; starts: number[] } {
  const json = Buffer.from(JSON.stringify(header));
  const { timeAt, starts, end } = sectionsOf(json.length, header);
  const block = Buffer.alloc(end);
  block.writeUInt32LE(json.length, 0);
  json.copy(block, 4);
  return { block, timeAt, starts };
}

function assemble(t0: number, times: Int32Array, names: string[], values: unknown[][], predictionName: string | null, prediction: unknown[]): { block: Buffer; rows: number; t0: number } {
  const rows = times.length;
  const cols = names.map((n, j) => columnOf(n, values[j]));
  if (predictionName !== null) cols.push(columnOf(predictionName, prediction));
  const { block, timeAt, starts } = allocate({ v: BLOCK_FORMAT, rows, t0, cols: cols.map((c) => c.col), p: predictionName === null ? -1 : cols.length - 1 });
  Buffer.from(times.buffer, times.byteOffset, times.byteLength).copy(block, timeAt);
  cols.forEach((c, j) => c.write(block, starts[j]));
  return { block, rows, t0 };
}

/** One column of the merged block: its header entry and how to write its section. */
type MergedColumn = { col: BlockColumn; write: (out: Buffer, at: number) => void };

/**
 * Several blocks of one endpoint, version and hour as one (compaction), section by section: rows in the
 * order given; a column some blocks lack is missing for their rows; int32 stays int32 only where every
 * block has it so, a dictionary anywhere makes the column a dictionary (numbers become labels).
 */
export function mergeColumnBlocks(blocks: Uint8Array[]): { block: Buffer; rows: number; t0: number } {
  const parts = blocks.map((b) => ({ data: Buffer.from(b.buffer, b.byteOffset, b.byteLength), ...layoutOf(b) }));
  const rows = parts.reduce((n, p) => n + p.header.rows, 0);
  const t0 = Math.min(...parts.map((p) => p.header.t0));
  // every input column, in order of first appearance; then the prediction (the first block's name)
  const names: string[] = [];
  const where = parts.map(() => new Map<string, number>());
  parts.forEach((p, b) =>
    p.header.cols.forEach((c, j) => {
      if (j === p.header.p) return;
      if (!where.some((m) => m.has(c.n))) names.push(c.n);
      where[b].set(c.n, j);
    }),
  );
  const withPrediction = parts.find((p) => p.header.p >= 0);
  const sources = names.map((n) => parts.map((p, b) => where[b].get(n) ?? -1));
  if (withPrediction) sources.push(parts.map((p) => p.header.p));
  const allNames = withPrediction ? [...names, withPrediction.header.cols[withPrediction.header.p].n] : names;

  // the first row of each block in the merged one
  const offsets: number[] = [];
  parts.reduce((n, p, b) => ((offsets[b] = n), n + p.header.rows), 0);
  const offsetOf = (b: number) => offsets[b];

  const merged: MergedColumn[] = sources.map((src, k) => {
    const kinds = src.map((j, b) => (j < 0 ? "missing" : parts[b].header.cols[j].k));
    const name = allNames[k];
    // the value of row i of block b's column j as a number (NaN = missing), for numeric sections
    const number = (b: number, j: number, i: number) => {
      const { data, at } = parts[b];
      const c = parts[b].header.cols[j];
      return c.k === "i32" ? data.readInt32LE(at[j] + 4 * i) : data.readDoubleLE(at[j] + 8 * i);
    };
    const code = (b: number, j: number, i: number) => {
      const { data, at } = parts[b];
      const w = parts[b].header.cols[j].w ?? 1;
      return w === 1 ? data[at[j] + i] : w === 2 ? data.readUInt16LE(at[j] + 2 * i) : data.readUInt32LE(at[j] + 4 * i);
    };
    if (kinds.every((x) => x === "i32")) {
      return { col: { n: name, k: "i32" }, write: (out, at) => parts.forEach((p, b) => p.data.copy(out, at + 4 * offsetOf(b), p.at[src[b]], p.at[src[b]] + 4 * p.header.rows)) };
    }
    if (!kinds.includes("dict")) {
      return {
        col: { n: name, k: "f64" },
        write: (out, at) =>
          parts.forEach((p, b) => {
            const base = at + 8 * offsetOf(b);
            const j = src[b];
            if (j >= 0 && p.header.cols[j].k === "f64") p.data.copy(out, base, p.at[j], p.at[j] + 8 * p.header.rows);
            else for (let i = 0; i < p.header.rows; i++) out.writeDoubleLE(j < 0 ? NaN : number(b, j, i), base + 8 * i);
          }),
      };
    }
    const labels: (number | string)[] = [];
    const index = new Map<number | string, number>();
    const codeOf = (v: number | string) => {
      let c = index.get(v);
      if (c === undefined) index.set(v, (c = labels.push(v)));
      return c;
    };
    const codes = new Uint32Array(rows);
    parts.forEach((p, b) => {
      const j = src[b];
      if (j < 0) return;
      const base = offsetOf(b);
      const c = p.header.cols[j];
      if (c.k === "dict") {
        const remap = Uint32Array.from([0, ...(c.l ?? []).map(codeOf)]);
        for (let i = 0; i < p.header.rows; i++) codes[base + i] = remap[code(b, j, i)];
      } else {
        for (let i = 0; i < p.header.rows; i++) {
          const x = number(b, j, i);
          codes[base + i] = Number.isNaN(x) ? 0 : codeOf(x);
        }
      }
    });
    const w = labels.length < 255 ? 1 : labels.length < 65535 ? 2 : 4;
    return {
      col: { n: name, k: "dict", w, l: labels },
      write: (out, at) => {
        if (w === 1) for (let i = 0; i < rows; i++) out[at + i] = codes[i];
        else if (w === 2) for (let i = 0; i < rows; i++) out.writeUInt16LE(codes[i], at + 2 * i);
        else for (let i = 0; i < rows; i++) out.writeUInt32LE(codes[i], at + 4 * i);
      },
    };
  });
  const { block, timeAt, starts } = allocate({ v: BLOCK_FORMAT, rows, t0, cols: merged.map((m) => m.col), p: withPrediction ? merged.length - 1 : -1 });
  parts.forEach((p, b) => {
    const shift = p.header.t0 - t0;
    for (let i = 0; i < p.header.rows; i++) block.writeInt32LE(p.data.readInt32LE(p.timeAt + 4 * i) + shift, timeAt + 4 * (offsets[b] + i));
  });
  merged.forEach((m, k) => m.write(block, starts[k]));
  return { block, rows, t0 };
}

/** The header of a block and where its sections are; throws on a block of an unknown format. */
export function layoutOf(block: Uint8Array): BlockLayout {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const len = view.getUint32(0, true);
  const header = JSON.parse(Buffer.from(block.buffer, block.byteOffset + 4, len).toString("utf8")) as BlockHeader;
  if (header.v !== BLOCK_FORMAT) throw new Error(`prediction column block of format ${header.v}, this reader knows ${BLOCK_FORMAT}`);
  const { timeAt, starts, end } = sectionsOf(len, header);
  if (end > block.byteLength) throw new Error(`prediction column block truncated: ${block.byteLength} bytes, its header describes ${end}`);
  return { header, timeAt, at: starts };
}

/** The rows of one block as the ingest wrote them (tests, compaction): values per column, null = missing. */
export function decodeColumnBlock(block: Uint8Array): { times: number[]; columns: Record<string, (number | string | null)[]>; prediction: { name: string; values: (number | string | null)[] } | null } {
  const { header, timeAt, at } = layoutOf(block);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const times = Array.from({ length: header.rows }, (_, i) => header.t0 + view.getInt32(timeAt + 4 * i, true));
  const columns: Record<string, (number | string | null)[]> = {};
  let prediction: { name: string; values: (number | string | null)[] } | null = null;
  header.cols.forEach((c, j) => {
    const s = at[j];
    const values = Array.from({ length: header.rows }, (_, i) => {
      if (c.k === "f64") {
        const x = view.getFloat64(s + 8 * i, true);
        return Number.isNaN(x) ? null : x;
      }
      if (c.k === "i32") return view.getInt32(s + 4 * i, true);
      const code = c.w === 1 ? view.getUint8(s + i) : c.w === 2 ? view.getUint16(s + 2 * i, true) : view.getUint32(s + 4 * i, true);
      return code === 0 ? null : c.l![code - 1];
    });
    if (j === header.p) prediction = { name: c.n, values };
    else columns[c.n] = values;
  });
  return { times, columns, prediction };
}
