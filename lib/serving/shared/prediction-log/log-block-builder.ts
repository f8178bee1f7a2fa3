// Writes the prediction log's binary block (the layout is described in log-block.ts) a record at a time:
// each record's fields and tensor values are copied into the block's growing columns as it is added, so
// the gateway keeps no record, tensor or request body alive until its next flush. Held for ~100 ms, those
// objects outlived the young generation's collections and made the gateway's GC the largest cost of
// logging (`npm run bench:serving` with BENCH_PROFILE_LOG=off,on). The bytes are the same as a block
// encoded from the whole list at once (encodeLogBlock): ingest keys blocks by their bytes.
import { storableText } from "../../../db/storable-text";
import { ARRAYS, FIXED_SECTIONS, FLAG_HAS_ERROR, FLAG_NOT_SAMPLED, FLAG_SHADOW, LOG_BLOCK_FORMAT, align8, kindOf, type Column, type Header, type LoggedRecord, type LoggedTensor, type NumericArray, type Sig } from "./log-block";

/** Characters of strings one record may log in the gateway; past it, the record is logged without its tensors. */
export const MAX_RECORD_TEXT = 16_777_216;
/** Records one block holds at most: each may add a variant and a layout, which the block numbers in 16 bits. */
const MAX_RECORDS = 65_535;

/** A character that JSON escapes (or, a surrogate, may escape): a string without one is written between quotes as it is. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

type ColumnData = { counts: Uint32Array; total: number; num: NumericArray | null; json: ByteSink | null };

/** A growing run of bytes: strings are written into it as they come, so none is kept until the block is finished. */
class ByteSink {
  buf: Buffer;
  length = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + bytes));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** The string's UTF-8 (a short ASCII one byte by byte: cheaper than a call into Buffer.write). */
  text(s: string): void {
    const n = s.length;
    this.reserve(3 * n);
    if (n <= 64) {
      const buf = this.buf;
      const at = this.length;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[at + i] = c;
      }
      if (i === n) {
        this.length += n;
        return;
      }
    }
    this.length += this.buf.write(s, this.length);
  }

  /**
   * A short string of printable ASCII that JSON leaves as it is (most category values) between quotes, byte
   * by byte; false, with nothing written, for any other string.
   */
  plainJsonString(s: string): boolean {
    const n = s.length;
    if (n > 64) return false;
    this.reserve(n + 2);
    const buf = this.buf;
    const at = this.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
      buf[at + 1 + i] = c;
    }
    buf[at] = 0x22;
    buf[at + n + 1] = 0x22;
    this.length = at + n + 2;
    return true;
  }

  /** The bytes written, as a Buffer sharing this sink's memory. */
  get bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

export class LogBlockBuilder {
  /** records added */
  count = 0;
  /** input and output values added */
  values = 0;
  /** bytes of the block's sections so far, roughly (ids and errors counted in UTF-16 units) */
  bytes = 0;
  private cap: number;
  private t: Float64Array;
  private l: Float64Array;
  private nv: Int32Array;
  private st: Int32Array;
  private rw: Int32Array;
  private flags: Uint8Array;
  private vc: Uint16Array;
  private sg: Uint16Array;
  // request ids and errors as UTF-8, and where each record's ends
  private readonly ids = new ByteSink(40 * 64);
  private idOff: Uint32Array;
  private readonly errs = new ByteSink(256);
  private errOff: Uint32Array;
  private readonly vs: string[] = [];
  private readonly vIndex = new Map<string, number>();
  private lastV: string | null = null;
  private v = -1;
  private readonly cols: Column[] = [];
  private readonly colIndex = new Map<string, number>();
  private readonly data: ColumnData[] = [];
  private readonly sigs: Sig[] = [];
  private readonly sigIndex = new Map<string, number>();
  // records almost always share their tensors' names and kinds with the last record that has inputs and
  // outputs (or lacks them) alike: compared with that one's, a layout is looked up only when it changes
  // (input sampling interleaves records with and without inputs). Only names and kinds are kept, not the
  // tensors: an output may be a view into its whole batch's buffer.
  private readonly lastIn: (TensorShape | null)[] = [null, null, null, null];
  private readonly lastOut: (TensorShape | null)[] = [null, null, null, null];
  private readonly sigOf = [-1, -1, -1, -1];
  /** each column's value count and string bytes before the record being added (restored if it fails) */
  private undo = new Float64Array(64);

  /** `maxText`: characters of strings one record may log (the gateway's bound, MAX_RECORD_TEXT) */
  constructor(readonly endpoint: string, capacity = 64, private readonly maxText = Infinity) {
    this.cap = Math.max(1, capacity);
    this.t = new Float64Array(this.cap);
    this.l = new Float64Array(this.cap);
    this.nv = new Int32Array(this.cap);
    this.st = new Int32Array(this.cap);
    this.rw = new Int32Array(this.cap);
    this.flags = new Uint8Array(this.cap);
    this.vc = new Uint16Array(this.cap);
    this.sg = new Uint16Array(this.cap);
    this.idOff = new Uint32Array(this.cap + 1);
    this.errOff = new Uint32Array(this.cap + 1);
  }

  /**
   * Adds the record (of this block's endpoint), or throws a RangeError, leaving the block as it was, when
   * it cannot be written: a list tensor holding what JSON cannot write (a bigint), strings past `maxText`
   * characters, or a full block. The gateway then logs it without its inputs and outputs.
   */
  add(r: LoggedRecord): void {
    if (this.count >= MAX_RECORDS) throw new RangeError(`a log block holds at most ${MAX_RECORDS} records`);
    checkText(r, this.maxText);
    // what is left to fail is an allocation (a growing buffer): the block is put back as it was
    const mark = { count: this.count, values: this.values, bytes: this.bytes, ids: this.ids.length, errs: this.errs.length, cols: this.cols.length, sigs: this.sigs.length, vs: this.vs.length };
    if (this.undo.length < 2 * mark.cols) this.undo = new Float64Array(4 * mark.cols);
    for (let c = 0; c < mark.cols; c++) {
      this.undo[2 * c] = this.data[c].total;
      this.undo[2 * c + 1] = this.data[c].json?.length ?? 0;
    }
    try {
      this.append(r);
    } catch (err) {
      this.restore(mark);
      throw err;
    }
  }

  private restore(mark: { count: number; values: number; bytes: number; ids: number; errs: number; cols: number; sigs: number; vs: number }): void {
    for (let c = 0; c < mark.cols; c++) {
      const d = this.data[c];
      d.total = this.undo[2 * c];
      if (d.json) d.json.length = this.undo[2 * c + 1];
      if (mark.count < d.counts.length) d.counts[mark.count] = 0;
    }
    for (const c of this.cols.splice(mark.cols)) this.colIndex.delete(columnKey(c.s, c.k, c.n));
    this.data.length = mark.cols;
    for (const g of this.sigs.splice(mark.sigs)) this.sigIndex.delete(sigKey(g));
    for (const v of this.vs.splice(mark.vs)) this.vIndex.delete(v);
    [this.count, this.values, this.bytes, this.ids.length, this.errs.length] = [mark.count, mark.values, mark.bytes, mark.ids, mark.errs];
    this.sigOf.fill(-1);
    this.lastIn.fill(null);
    this.lastOut.fill(null);
    this.lastV = null;
  }

  private append(r: LoggedRecord): void {
    if (this.count === this.cap) this.grow();
    const j = this.count++;
    if (r.v !== this.lastV) {
      this.lastV = r.v;
      const known = this.vIndex.get(r.v);
      if (known === undefined) this.vIndex.set(r.v, (this.v = this.vs.push(r.v) - 1));
      else this.v = known;
    }
    this.vc[j] = this.v;
    const presence = (r.in ? 1 : 0) + (r.out ? 2 : 0);
    let g = this.sigOf[presence];
    if (g < 0 || !sameShape(r.in, this.lastIn[presence]) || !sameShape(r.out, this.lastOut[presence])) {
      const sig: Sig = { i: r.in ? r.in.map((x) => this.colOf("i", x)) : null, o: r.out ? r.out.map((x) => this.colOf("o", x)) : null };
      // two tensors of one name and kind (or two output names alike once made storable) would make a layout
      // ingest refuses, and the whole block with it: the record is refused (and the block put back)
      if ((sig.i && new Set(sig.i).size !== sig.i.length) || (sig.o && new Set(sig.o).size !== sig.o.length)) {
        throw new RangeError("two inputs or two outputs of the record share a name");
      }
      const key = sigKey(sig);
      const known = this.sigIndex.get(key);
      if (known === undefined) this.sigIndex.set(key, (g = this.sigs.push(sig) - 1));
      else g = known;
      this.sigOf[presence] = g;
      this.lastIn[presence] = shapeOf(r.in);
      this.lastOut[presence] = shapeOf(r.out);
    }
    this.sg[j] = g;
    this.t[j] = r.t;
    this.l[j] = r.l;
    this.nv[j] = r.n;
    this.st[j] = r.s;
    this.rw[j] = r.r;
    this.flags[j] = (r.sh ? FLAG_SHADOW : 0) | (r.ns ? FLAG_NOT_SAMPLED : 0) | (r.err !== undefined ? FLAG_HAS_ERROR : 0);
    this.ids.text(r.id);
    this.idOff[j + 1] = this.ids.length;
    if (r.err !== undefined) this.errs.text(r.err);
    this.errOff[j + 1] = this.errs.length;
    this.bytes += 37 + r.id.length + (r.err?.length ?? 0);
    const sig = this.sigs[g];
    if (sig.i) for (let x = 0; x < sig.i.length; x++) this.addValues(sig.i[x], j, r.in![x].data, false);
    if (sig.o) for (let x = 0; x < sig.o.length; x++) this.addValues(sig.o[x], j, r.out![x].data, true);
  }

  /** The block's bytes. */
  finish(): Buffer {
    const n = this.count;
    const idText = this.ids.bytes;
    const errText = this.errs.bytes;
    const json = this.data.map((d, c) => (this.cols[c].k === "json" ? Buffer.concat([d.json!.bytes, CLOSE]) : null));
    const len = [8 * n, 8 * n, 4 * n, 4 * n, 4 * n, n, 2 * n, 2 * n, 4 * (n + 1), idText.length, 4 * (n + 1), errText.length];
    this.cols.forEach((c, ci) => len.push(4 * n, c.k === "json" ? json[ci]!.length : this.data[ci].total * ARRAYS[c.k].BYTES_PER_ELEMENT));
    const header = Buffer.from(JSON.stringify({ v: LOG_BLOCK_FORMAT, e: this.endpoint, n, vs: this.vs, cols: this.cols, sigs: this.sigs, len } satisfies Header));
    let size = align8(4 + header.length);
    const at = len.map((x) => { const a = size; size = align8(size + x); return a; });
    // Buffer.alloc never hands out a pooled slice: byteOffset 0, so every 8-aligned section takes typed views
    const out = Buffer.alloc(size);
    const ab = out.buffer;
    out.writeUInt32LE(header.length, 0);
    header.copy(out, 4);
    new Float64Array(ab, at[0], n).set(this.t.subarray(0, n));
    new Float64Array(ab, at[1], n).set(this.l.subarray(0, n));
    new Int32Array(ab, at[2], n).set(this.nv.subarray(0, n));
    new Int32Array(ab, at[3], n).set(this.st.subarray(0, n));
    new Int32Array(ab, at[4], n).set(this.rw.subarray(0, n));
    out.set(this.flags.subarray(0, n), at[5]);
    new Uint16Array(ab, at[6], n).set(this.vc.subarray(0, n));
    new Uint16Array(ab, at[7], n).set(this.sg.subarray(0, n));
    idText.copy(out, at[9]);
    errText.copy(out, at[11]);
    new Uint32Array(ab, at[8], n + 1).set(this.idOff.subarray(0, n + 1));
    new Uint32Array(ab, at[10], n + 1).set(this.errOff.subarray(0, n + 1));
    this.cols.forEach((c, ci) => {
      const k = FIXED_SECTIONS + 2 * ci;
      const d = this.data[ci];
      new Uint32Array(ab, at[k], n).set(d.counts.subarray(0, n));
      if (c.k === "json") json[ci]!.copy(out, at[k + 1]);
      else (new ARRAYS[c.k](ab, at[k + 1], d.total) as Float64Array).set((d.num as Float64Array).subarray(0, d.total));
    });
    return out;
  }

  private colOf(s: "i" | "o", x: LoggedTensor): number {
    const name = s === "o" ? storableText(x.name) : x.name;
    const k = kindOf(x.data);
    const key = columnKey(s, k, name);
    let c = this.colIndex.get(key);
    if (c === undefined) {
      this.colIndex.set(key, (c = this.cols.push({ s, n: name, k }) - 1));
      // room for a value a record (most tensors of a logged request hold one); a string column starts its list
      const json = k === "json" ? new ByteSink(16 * this.cap) : null;
      json?.byte(0x5b); // [
      this.data.push({ counts: new Uint32Array(this.cap), total: 0, num: k === "json" ? null : new ARRAYS[k](this.cap), json });
    }
    return c;
  }

  private addValues(c: number, j: number, values: LoggedTensor["data"], output: boolean): void {
    const d = this.data[c];
    const m = values.length;
    d.counts[j] = m;
    this.values += m;
    if (!m) return;
    if (d.num) {
      if (d.total + m > d.num.length) d.num = grown(d.num, d.total + m);
      const dest = d.num as Float64Array;
      if (m === 1) dest[d.total] = (values as Float64Array)[0];
      else dest.set(values as Float64Array, d.total);
      d.total += m;
      this.bytes += m * dest.BYTES_PER_ELEMENT + 4;
      return;
    }
    const sink = d.json!;
    const start = sink.length;
    for (let x = 0; x < m; x++) {
      const v = (values as readonly (number | string)[])[x];
      if (d.total++ > 0) sink.byte(0x2c); // ,
      if (typeof v === "number") sink.text(Number.isFinite(v) ? String(v) : "null");
      else if (typeof v !== "string") sink.text(jsonOf(v, ""));
      else {
        const s = output ? storableText(v) : v;
        // JSON leaves most strings as they are: written between quotes, with no JSON.stringify copy
        if (sink.plainJsonString(s)) continue;
        if (NEEDS_ESCAPE.test(s)) sink.text(JSON.stringify(s));
        else {
          sink.byte(0x22);
          sink.text(s);
          sink.byte(0x22);
        }
      }
    }
    this.bytes += sink.length - start + 4;
  }

  /** Twice the room for records in every per-record array. */
  private grow(): void {
    const cap = this.cap * 2;
    [this.t, this.l, this.nv, this.st, this.rw, this.flags, this.vc, this.sg] = [grown(this.t, cap), grown(this.l, cap), grown(this.nv, cap), grown(this.st, cap), grown(this.rw, cap), grown(this.flags, cap), grown(this.vc, cap), grown(this.sg, cap)];
    for (const d of this.data) d.counts = grown(d.counts, cap);
    this.idOff = grown(this.idOff, cap + 1);
    this.errOff = grown(this.errOff, cap + 1);
    this.cap = cap;
  }
}

const CLOSE = Buffer.from("]");

/** A copy of `a` with room for at least `least` elements (twice its length, at least). */
function grown<T extends NumericArray>(a: T, least: number): T {
  const Ctor = a.constructor as new (n: number) => T;
  const b = new Ctor(Math.max(2 * a.length, least));
  (b as Float64Array).set(a as Float64Array);
  return b;
}

/** A record's inputs (or outputs) as a layout knows them: names and kinds (the data's constructor), in order. */
type TensorShape = { names: string[]; kinds: unknown[] };
const shapeOf = (list: readonly LoggedTensor[] | null): TensorShape | null => (list ? { names: list.map((x) => x.name), kinds: list.map((x) => x.data.constructor) } : null);

/** Whether a record's inputs (or outputs) have the names and kinds of `shape`, in the same order. */
function sameShape(a: readonly LoggedTensor[] | null, shape: TensorShape | null): boolean {
  if (a === null || shape === null) return a === null && shape === null;
  if (a.length !== shape.names.length) return false;
  for (let x = 0; x < a.length; x++) {
    if (a[x].name !== shape.names[x] || a[x].data.constructor !== shape.kinds[x]) return false;
  }
  return true;
}

const columnKey = (s: "i" | "o", k: string, name: string) => `${s}\u0000${k}\u0000${name}`;
const sigKey = (g: Sig) => `${g.i?.join(",") ?? "-"}|${g.o?.join(",") ?? "-"}`;

/**
 * Throws when a list tensor of the record holds what JSON cannot write (a bigint, a cycle) or too much text.
 * Records rebuilt by ingest from older gateways' JSON entries may hold null (a missing value), written as null.
 */
function checkText(r: LoggedRecord, maxText: number): void {
  let chars = 0;
  for (const list of [r.in, r.out]) {
    if (!list) continue;
    for (const x of list) {
      if (!Array.isArray(x.data)) continue;
      for (const v of x.data as readonly unknown[]) {
        if (typeof v === "string") chars += v.length;
        else if (typeof v === "bigint") throw new RangeError(`${x.name} holds a bigint: the log writes numbers and strings`);
        else if (v !== null && typeof v === "object") chars += jsonOf(v, x.name).length;
      }
    }
  }
  if (chars > maxText) throw new RangeError(`the record's strings hold ${chars} characters: the log writes at most ${maxText} a record`);
}

/** A value's JSON as an element of a list (JSON.stringify's: null for what it leaves out), or a RangeError. */
function jsonOf(v: unknown, name: string): string {
  try {
    return JSON.stringify(v) ?? "null";
  } catch (err) {
    throw new RangeError(`${name} holds a value JSON cannot write: ${(err as Error).message}`);
  }
}

/** The block of `records`, all of one endpoint. Output names and strings are made storable (storableText). */
export function encodeLogBlock(records: readonly LoggedRecord[]): Buffer {
  const b = new LogBlockBuilder(records[0]?.e ?? "", records.length);
  for (const r of records) b.add(r);
  return b.finish();
}
