// The binary form of the prediction log's stream entries ("b", written by this gateway; an entry holds one
// such block per endpoint among its records): the records of one endpoint, column by column, with tensors
// as their raw bytes. The gateway holds inputs and outputs as typed arrays already; JSON made it print every
// number as decimal text and ingest parse it back, at twice the bytes through Redis (`npm run
// bench:log-ingest`). Strings (request ids, errors) are UTF-8, string tensors one JSON list per column.
//
// Layout, little-endian: u32 header length · header JSON · sections, each starting 8-aligned
//   header: { v: 1, e: endpoint id, n: records, vs: variant names, cols: [{ s: "i" | "o", n: name, k: kind }],
//             sigs: [{ i: column indexes | null, o: … }] (each record's inputs and outputs, in its own order;
//             null = the record has none), len: byte length of every section }
//   sections: t f64 · l f64 · n i32 · s i32 · r i32 · flags u8 (1 shadow, 2 inputs not sampled, 4 has error)
//             · variant u16 (index in vs) · sig u16 (index in sigs) · request id offsets u32 × (n + 1) · their
//             UTF-8 · error offsets u32 × (n + 1) · their UTF-8 · then per column: values per record u32 × n
//             and the values (kind f32/f64/i8/u8/i16/u16/i32/u32/i64/u64: raw; "json": one JSON list of all)
// Written a record at a time by log-block-builder.ts (encodeLogBlock for a list).
// Ingest (decodeLogBlock) checks every length and index and yields records in the shape recordIssue checks.
import type { TypedData } from "../tensors";
import { MAX_TIME_MS, MIN_TIME_MS, type PredictionRecord } from "./record";

export const BINARY_FIELD = "b";
/** The layout's version, in every header (`v`). */
export const LOG_BLOCK_FORMAT = 1;

export type LoggedTensor = { name: string; data: TypedData | readonly (number | string)[] };
/** A record as the gateway logs it: inputs and outputs as tensors, not copied into lists. */
export type LoggedRecord = Omit<PredictionRecord, "in" | "out"> & { in: readonly LoggedTensor[] | null; out: readonly LoggedTensor[] | null };

export type NumericArray = Exclude<TypedData, string[]>;
export type Kind = "f32" | "f64" | "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "i64" | "u64" | "json";
export const ARRAYS: Record<Exclude<Kind, "json">, { new (b: ArrayBuffer, at?: number, length?: number): NumericArray; new (length: number): NumericArray; BYTES_PER_ELEMENT: number }> = {
  f32: Float32Array, f64: Float64Array, i8: Int8Array, u8: Uint8Array, i16: Int16Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array, i64: BigInt64Array, u64: BigUint64Array,
};
export const kindOf = (data: LoggedTensor["data"]): Kind => {
  if (Array.isArray(data)) return "json";
  for (const k in ARRAYS) if (data instanceof ARRAYS[k as Exclude<Kind, "json">]) return k as Kind;
  return "json";
};

export type Column = { s: "i" | "o"; n: string; k: Kind };
export type Sig = { i: number[] | null; o: number[] | null };
export type Header = { v: number; e: string; n: number; vs: string[]; cols: Column[]; sigs: Sig[]; len: number[] };

export const FIXED_SECTIONS = 12;
// sections are written and read through typed arrays, which take the machine's byte order
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error("the prediction log's binary entries need a little-endian machine");
// not (n + 7) & ~7: bitwise arithmetic wraps past 2^31, and a forged section length would wrap its offsets
export const align8 = (n: number) => Math.ceil(n / 8) * 8;
const SHADOW = 1, NOT_SAMPLED = 2, HAS_ERROR = 4;

/** `block`'s bytes [at, at + bytes) as a typed array: a view when `block` starts 8-aligned in its memory (see aligned), else a copy. */
function typed<T extends NumericArray>(block: Buffer, at: number, bytes: number, Ctor: { new (b: ArrayBuffer, at?: number, length?: number): T; BYTES_PER_ELEMENT: number }): T {
  if (block.byteOffset % 8 === 0) return new Ctor(block.buffer as ArrayBuffer, block.byteOffset + at, bytes / Ctor.BYTES_PER_ELEMENT);
  const copy = new ArrayBuffer(bytes);
  block.copy(new Uint8Array(copy), 0, at, at + bytes);
  return new Ctor(copy);
}

/**
 * The block at an 8-aligned place in memory of its own: a block in Redis's reply lies anywhere in it, and
 * its sections are read as typed arrays, which need their element size's alignment. One copy of the
 * block, instead of one for each section.
 */
function aligned(block: Buffer): Buffer {
  if (block.byteOffset % 8 === 0) return block;
  const copy = Buffer.alloc(block.length); // never pooled: byteOffset 0
  block.copy(copy);
  return copy;
}

/** A layout's column list: distinct indexes of columns of its side (inputs or outputs), or null. */
const isIndexList = (x: unknown, cols: Column[], side: "i" | "o"): x is number[] | null =>
  x === null || (Array.isArray(x) && new Set(x).size === x.length && x.every((c) => Number.isInteger(c) && c >= 0 && c < cols.length && cols[c].s === side));

/** The header, checked: every section's length consistent with the record count and the block's size. */
function headerOf(block: Buffer): { h: Header; at: number[] } | string {
  if (block.length < 4) return "the block is shorter than its header length";
  const hl = block.readUInt32LE(0);
  if (4 + hl > block.length) return "the block's header runs past its end";
  let h: Header;
  try {
    h = JSON.parse(block.toString("utf8", 4, 4 + hl)) as Header;
  } catch {
    return "the block's header is not JSON";
  }
  if (typeof h !== "object" || h === null) return "the block's header is not an object";
  if (h.v !== LOG_BLOCK_FORMAT) return `a log block of format ${typeof h.v === "number" ? h.v : typeof h.v}, this ingest reads ${LOG_BLOCK_FORMAT}`;
  const { n } = h;
  if (typeof h.e !== "string" || !Number.isInteger(n) || n < 1 || n > 1_000_000) return "the block's header lacks its endpoint or record count";
  if (!Array.isArray(h.vs) || !h.vs.every((v) => typeof v === "string")) return "the block's variants are not a list of names";
  // the encoder never names more of them than it has records: what is allocated per layout stays bounded by the block
  if (!Array.isArray(h.sigs) || h.vs.length > n || h.sigs.length > n) return "the block names more variants or layouts than it has records";
  if (!Array.isArray(h.cols) || !h.cols.every((c) => c && (c.s === "i" || c.s === "o") && typeof c.n === "string" && (c.k === "json" || Object.hasOwn(ARRAYS, c.k)))) return "the block's columns are not valid";
  if (!Array.isArray(h.sigs) || !h.sigs.every((g) => g && isIndexList(g.i, h.cols, "i") && isIndexList(g.o, h.cols, "o"))) return "the block's record layouts are not valid";
  const fixed = [8 * n, 8 * n, 4 * n, 4 * n, 4 * n, n, 2 * n, 2 * n, 4 * (n + 1), -1, 4 * (n + 1), -1];
  if (!Array.isArray(h.len) || h.len.length !== FIXED_SECTIONS + 2 * h.cols.length || !h.len.every((l) => Number.isInteger(l) && l >= 0 && l <= block.length)) return "the block's section lengths are not valid";
  for (let k = 0; k < h.len.length; k++) {
    const want = k < FIXED_SECTIONS ? fixed[k] : k % 2 === 0 ? 4 * n : -1;
    if (want >= 0 && h.len[k] !== want) return `the block's section ${k} is ${h.len[k]} bytes, ${n} records make ${want}`;
  }
  let size = align8(4 + hl);
  const at = h.len.map((l) => { const a = size; size = align8(size + l); return a; });
  if (at[at.length - 1] + h.len[h.len.length - 1] > block.length) return "the block is shorter than its sections";
  return { h, at };
}

/**
 * JSON text that may hold a string Postgres cannot store: an escaped NUL or UTF-16 surrogate (JSON.parse
 * refuses raw control characters, and UTF-8 decoding leaves no lone surrogate). A false alarm (a literal
 * backslash before "u0000") only sends the block to the record-by-record check.
 */
const MAYBE_UNSTORABLE = /\\u(0000|d[89a-f])/i;

/**
 * A block read column by column, every length and index checked: what ingest summarises without making
 * a record of each (block-rows.ts, rollups, the drift copy), and what `recordsOf` turns into records.
 * `checked`: the whole block holds only what recordIssue and unstorableIn accept (ranges, value types,
 * storable strings); when false, its records need a check one by one (and a bad record is told apart).
 */
export type LogBlockView = {
  block: Buffer;
  n: number;
  /** endpoint id, variant names, columns and record layouts from the header */
  e: string;
  vs: readonly string[];
  cols: readonly { s: "i" | "o"; n: string; k: Kind }[];
  sigs: readonly { i: number[] | null; o: number[] | null }[];
  t: Float64Array; l: Float64Array; nv: Int32Array; st: Int32Array; rw: Int32Array;
  flags: Uint8Array; vc: Uint16Array; sg: Uint16Array;
  /** UTF-8 bytes of the request ids in `block`: record j's are [idAt + idOff[j], idAt + idOff[j + 1]) */
  idAt: number; idOff: Uint32Array;
  errAt: number; errOff: Uint32Array;
  /** per column: its values (all records', in order), how many each record has, and where each record's start */
  values: ArrayLike<number | bigint | string>[];
  counts: Uint32Array[];
  starts: Uint32Array[];
  checked: boolean;
};

export const FLAG_SHADOW = SHADOW, FLAG_NOT_SAMPLED = NOT_SAMPLED, FLAG_HAS_ERROR = HAS_ERROR;

export function viewLogBlock(sent: Buffer): LogBlockView | { issue: string } {
  const block = aligned(sent);
  const layout = headerOf(block);
  if (typeof layout === "string") return { issue: layout };
  const { h, at } = layout;
  const n = h.n;
  let checked = !MAYBE_UNSTORABLE.test(block.toString("utf8", 4, 4 + block.readUInt32LE(0)));
  const t = typed(block, at[0], 8 * n, Float64Array);
  const l = typed(block, at[1], 8 * n, Float64Array);
  const nv = typed(block, at[2], 4 * n, Int32Array);
  const st = typed(block, at[3], 4 * n, Int32Array);
  const rw = typed(block, at[4], 4 * n, Int32Array);
  const vc = typed(block, at[6], 2 * n, Uint16Array);
  const sg = typed(block, at[7], 2 * n, Uint16Array);
  const idOff = typed(block, at[8], 4 * (n + 1), Uint32Array);
  const errOff = typed(block, at[10], 4 * (n + 1), Uint32Array);
  for (let j = 0; j < n; j++) {
    if (idOff[j + 1] < idOff[j] || errOff[j + 1] < errOff[j]) return { issue: `the block's string offsets of record ${j} go backwards` };
    if (vc[j] >= h.vs.length || sg[j] >= h.sigs.length) return { issue: `record ${j} names a variant or layout the block lacks` };
  }
  if (idOff[0] !== 0 || errOff[0] !== 0 || idOff[n] !== h.len[9] || errOff[n] !== h.len[11]) return { issue: "the block's string offsets do not span its strings" };
  if (block.subarray(at[9], at[9] + h.len[9]).includes(0) || block.subarray(at[11], at[11] + h.len[11]).includes(0)) checked = false;
  for (let j = 0; j < n && checked; j++) {
    // recordIssue's ranges: a time JavaScript can hold, a status a smallint holds, a latency a real holds
    if (!(t[j] >= MIN_TIME_MS && t[j] <= MAX_TIME_MS) || st[j] < -32768 || st[j] > 32767 || !(Math.abs(l[j]) <= 3.4e38)) checked = false;
  }
  const values: ArrayLike<number | bigint | string>[] = [];
  const counts: Uint32Array[] = [];
  const starts: Uint32Array[] = [];
  // every column's record starts in one allocation
  const allStarts = new Uint32Array(h.cols.length * (n + 1));
  for (let c = 0; c < h.cols.length; c++) {
    const k = FIXED_SECTIONS + 2 * c;
    const cnt = typed(block, at[k], 4 * n, Uint32Array);
    const start = allStarts.subarray(c * (n + 1), (c + 1) * (n + 1));
    let total = 0;
    for (let j = 0; j < n; j++) {
      start[j] = total;
      total += cnt[j];
    }
    start[n] = total;
    const kind = h.cols[c].k;
    if (kind === "json") {
      let list: unknown;
      const text = block.toString("utf8", at[k + 1], at[k + 1] + h.len[k + 1]);
      try {
        list = JSON.parse(text);
      } catch {
        return { issue: `the block's column ${h.cols[c].n} is not JSON` };
      }
      if (!Array.isArray(list) || list.length !== total) return { issue: `the block's column ${h.cols[c].n} does not hold its records' ${total} values` };
      if (checked && MAYBE_UNSTORABLE.test(text)) checked = false;
      for (let x = 0; x < total && checked; x++) if (typeof list[x] !== "string" && typeof list[x] !== "number") checked = false;
      values.push(list as (number | string)[]);
    } else {
      const A = ARRAYS[kind];
      if (h.len[k + 1] !== total * A.BYTES_PER_ELEMENT) return { issue: `the block's column ${h.cols[c].n} does not hold its records' ${total} values` };
      values.push(typed(block, at[k + 1], h.len[k + 1], A));
    }
    counts.push(cnt);
    starts.push(start);
  }
  // which columns each layout names: a record has no values in the others
  const named = h.sigs.map((g) => {
    const m = new Uint8Array(h.cols.length);
    for (const c of [...(g.i ?? []), ...(g.o ?? [])]) m[c] = 1;
    return m;
  });
  for (let c = 0; c < h.cols.length; c++) {
    for (let j = 0; j < n; j++) if (counts[c][j] && !named[sg[j]][c]) return { issue: `record ${j} has values in a column its layout lacks` };
  }
  return {
    block, n, e: h.e, vs: h.vs, cols: h.cols, sigs: h.sigs, t, l, nv, st, rw, flags: block.subarray(at[5], at[5] + n), vc, sg,
    idAt: at[9], idOff, errAt: at[11], errOff, values, counts, starts, checked,
  };
}

/** Record j's values of column c, as a list (int64 columns as numbers). */
export function valuesOf(v: LogBlockView, c: number, j: number): (number | string)[] {
  const m = v.counts[c][j];
  const src = v.values[c];
  const s = v.starts[c][j];
  const out = new Array<number | string>(m);
  if (typeof src[0] === "bigint") for (let x = 0; x < m; x++) out[x] = Number(src[s + x]);
  else for (let x = 0; x < m; x++) out[x] = src[s + x] as number | string;
  return out;
}

/**
 * The records of a block read with viewLogBlock, in the shape recordIssue checks; with `keep`, only those it
 * keeps (judged on the columns, before a record is made), the others left undefined in their places.
 */
export function recordsOf(v: LogBlockView, keep?: (v: LogBlockView, j: number) => boolean): unknown[] {
  const protoNamed = v.cols.some((c) => c.n === "__proto__");
  const records: unknown[] = new Array(v.n);
  // one function for all records (not a closure per record: this loop runs for every record read)
  const cols = (list: number[] | null, j: number) => {
    if (!list) return null;
    const o: Record<string, (number | string)[]> = {};
    // a column named __proto__ is a column, as JSON.parse makes it, not the object's prototype
    if (protoNamed) for (const c of list) Object.defineProperty(o, v.cols[c].n, { value: valuesOf(v, c, j), enumerable: true, writable: true, configurable: true });
    else for (const c of list) o[v.cols[c].n] = valuesOf(v, c, j);
    return o;
  };
  const { block, t, l, nv, st, rw, flags, vc, sg, idAt, idOff, errAt, errOff } = v;
  for (let j = 0; j < v.n; j++) {
    if (keep && !keep(v, j)) continue;
    const sig = v.sigs[sg[j]];
    const f = flags[j];
    // every record one shape (an absent err or ns is undefined, as the record type reads it)
    records[j] = {
      t: t[j], e: v.e, v: v.vs[vc[j]], n: nv[j], id: block.toString("utf8", idAt + idOff[j], idAt + idOff[j + 1]), s: st[j], l: l[j], sh: (f & SHADOW) !== 0, r: rw[j],
      // a record whose inputs were not sampled has none, whatever a writer put in the block
      in: f & NOT_SAMPLED ? null : cols(sig.i, j), out: cols(sig.o, j),
      err: f & HAS_ERROR ? block.toString("utf8", errAt + errOff[j], errAt + errOff[j + 1]) : undefined,
      ns: f & NOT_SAMPLED ? true : undefined,
    };
  }
  return records;
}

/** The records of a binary entry, or why it is not one (see LogBlockView for `checked`). */
export function decodeLogBlock(block: Buffer): { records: unknown[]; checked: boolean } | { issue: string } {
  const v = viewLogBlock(block);
  return "issue" in v ? v : { records: recordsOf(v), checked: v.checked };
}

/** A record in the stream's shape (inputs and outputs as column lists) as the gateway logs it: what tests and benchmarks log. */
export function asLogged(r: PredictionRecord): LoggedRecord {
  const tensors = (c: Record<string, (number | string)[]> | null) => (c === null ? null : Object.entries(c).map(([name, data]) => ({ name, data })));
  return { ...r, in: tensors(r.in), out: tensors(r.out) };
}
