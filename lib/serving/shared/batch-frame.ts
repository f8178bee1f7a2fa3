// The binary body of the gateway → inference worker hop (POST /batch/{versionId}, content-type
// application/vnd.switchyard.batch+binary, HMAC-signed over these bytes like every cluster call).
// Typed arrays travel as their raw bytes, so neither end parses or prints a number.
//
// Layout, version 1 (every integer little-endian, u32 unless said otherwise):
//   frame   = "S" "Y" u8:version(=1) u8:kind(1 request, 2 answer) u32:count item×count
//   request = u32:rows u32:inputs tensor×inputs          (inputs in the model signature's order, unnamed)
//   answer  = u8:1 u32:outputs (str:name tensor)×outputs  (the model's outputs, in its order)
//           | u8:2 u32:status str:code str:message       (this request failed alone: its HTTP status and error)
//   tensor  = u8:dtype u8:ndims u16:0 u32:dim×ndims u32:count data
//   data    = strings: (u32:byteLength utf8)×count
//           | numbers: zero bytes up to the next multiple of 8 from the frame's start, then count values'
//             raw bytes (so the reader can view them in place when the frame itself is 8-byte aligned)
//   str     = u32:byteLength utf8
// dtype: 1 float32, 2 float64, 3 int32, 4 int64, 5 bool (one byte 0/1), 6 string, 7 uint8, 8 int8,
//        9 int16, 10 uint16, 11 uint32, 12 uint64, 13 float16 (raw 16-bit values, as onnxruntime gives them).
// A reader refuses (FrameError, never a crash or a huge allocation) anything that does not fit this.
import os from "node:os";
import type { Tensor, TypedData } from "./tensors";

export const BATCH_CONTENT_TYPE = "application/vnd.switchyard.batch+binary";
export const FRAME_VERSION = 1;
const KIND_REQUEST = 1;
const KIND_ANSWER = 2;
const MAX_DIMS = 32;

/** The largest batch frame an inference worker reads (the gateway never sends a larger one). */
export const MAX_BATCH_FRAME_BYTES = 16 * 1024 * 1024;
/** The frame's own header: "SY", version, kind, count. */
export const FRAME_HEADER_BYTES = 8;

/** At most the bytes one request takes in a request frame (layout above: padding and UTF-8 counted at their worst). */
export function requestFrameBytes(inputs: readonly Tensor[]): number {
  let n = 8;
  for (const t of inputs) {
    n += 8 + 4 * t.dims.length + 7;
    if (Array.isArray(t.data)) for (const s of t.data) n += 4 + 3 * s.length;
    else n += t.data.byteLength;
  }
  return n;
}

/** A frame that cannot be read: truncated, garbage, another version. */
export class FrameError extends Error {}

export type FrameRequest = { rows: number; inputs: Tensor[] };
export type ResultError = { status: number; code: string; message: string };
export type FrameResult = { outputs: Tensor[] } | { error: ResultError };

type NumericCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor | Uint8ArrayConstructor
  | Int8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | BigUint64ArrayConstructor;
type DType = { code: number; type: string; ctor: NumericCtor | null };

const DTYPES: DType[] = [
  { code: 1, type: "float32", ctor: Float32Array }, { code: 2, type: "float64", ctor: Float64Array }, { code: 3, type: "int32", ctor: Int32Array },
  { code: 4, type: "int64", ctor: BigInt64Array }, { code: 5, type: "bool", ctor: Uint8Array }, { code: 6, type: "string", ctor: null },
  { code: 7, type: "uint8", ctor: Uint8Array }, { code: 8, type: "int8", ctor: Int8Array }, { code: 9, type: "int16", ctor: Int16Array },
  { code: 10, type: "uint16", ctor: Uint16Array }, { code: 11, type: "uint32", ctor: Uint32Array }, { code: 12, type: "uint64", ctor: BigUint64Array },
  { code: 13, type: "float16", ctor: Uint16Array },
];
const BY_TYPE = new Map(DTYPES.map((d) => [d.type, d]));
const BY_CODE: (DType | undefined)[] = [];
for (const d of DTYPES) BY_CODE[d.code] = d;

// Typed arrays are written and viewed in the machine's byte order; the frame says little-endian.
if (os.endianness() !== "LE") throw new Error("batch frames need a little-endian machine");

// ---------------------------------------------------------------- writing

/** Bytes a tensor may take (strings counted at their UTF-8 worst case, 3 bytes per UTF-16 unit). */
function tensorBound(t: Tensor): number {
  let n = 8 + 4 * t.dims.length + 4;
  const d = t.data;
  if (Array.isArray(d)) for (let i = 0; i < d.length; i++) n += 4 + 3 * d[i].length;
  else n += 7 + d.byteLength;
  return n;
}
const strBound = (s: string) => 4 + 3 * s.length;

class Writer {
  buf: Buffer;
  off = 8;
  constructor(bound: number, kind: number, count: number) {
    this.buf = Buffer.allocUnsafe(bound + 8);
    this.buf[0] = 0x53;
    this.buf[1] = 0x59;
    this.buf[2] = FRAME_VERSION;
    this.buf[3] = kind;
    this.buf.writeUInt32LE(count, 4);
  }
  u8(v: number) { this.buf[this.off++] = v; }
  u32(v: number) { this.buf.writeUInt32LE(v, this.off); this.off += 4; }
  str(s: string) {
    const n = this.buf.write(s, this.off + 4, "utf8");
    this.buf.writeUInt32LE(n, this.off);
    this.off += 4 + n;
  }
  tensor(t: Tensor) {
    const dt = BY_TYPE.get(t.type);
    if (!dt) throw new FrameError(`tensor "${t.name}" has type ${t.type}, which a batch frame cannot carry`);
    const b = this.buf;
    b[this.off] = dt.code;
    b[this.off + 1] = t.dims.length;
    b[this.off + 2] = 0;
    b[this.off + 3] = 0;
    this.off += 4;
    for (let i = 0; i < t.dims.length; i++) this.u32(t.dims[i]);
    const d = t.data;
    if (Array.isArray(d)) {
      this.u32(d.length);
      for (let i = 0; i < d.length; i++) this.str(d[i]);
    } else {
      this.u32(d.length);
      const aligned = (this.off + 7) & ~7;
      b.fill(0, this.off, aligned);
      b.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), aligned);
      this.off = aligned + d.byteLength;
    }
  }
  done(): Buffer { return this.buf.subarray(0, this.off); }
}

/** The gateway's call: each request's inputs in the signature's order; its rows are the first input's first dimension. */
export function encodeRequests(requests: readonly (readonly Tensor[])[]): Buffer {
  let bound = 0;
  for (const r of requests) {
    bound += 8;
    for (const t of r) bound += tensorBound(t);
  }
  const w = new Writer(bound, KIND_REQUEST, requests.length);
  for (const r of requests) {
    w.u32(r.length ? (r[0].dims[0] ?? 1) : 0);
    w.u32(r.length);
    for (const t of r) w.tensor(t);
  }
  return w.done();
}

/** The worker's answer: one result per request, in the call's order. */
export function encodeAnswers(results: readonly FrameResult[]): Buffer {
  let bound = 0;
  for (const r of results) {
    if ("outputs" in r) {
      bound += 5;
      for (const t of r.outputs) bound += strBound(t.name) + tensorBound(t);
    } else bound += 5 + strBound(r.error.code) + strBound(r.error.message);
  }
  const w = new Writer(bound, KIND_ANSWER, results.length);
  for (const r of results) {
    if ("outputs" in r) {
      w.u8(1);
      w.u32(r.outputs.length);
      for (const t of r.outputs) {
        w.str(t.name);
        w.tensor(t);
      }
    } else {
      w.u8(2);
      w.u32(r.error.status);
      w.str(r.error.code);
      w.str(r.error.message);
    }
  }
  return w.done();
}

// ---------------------------------------------------------------- reading

class Reader {
  off = 8;
  readonly count: number;
  constructor(readonly buf: Buffer, kind: number) {
    if (buf.length < 8) throw new FrameError(`batch frame truncated: ${buf.length} bytes, the header alone takes 8`);
    if (buf[0] !== 0x53 || buf[1] !== 0x59) throw new FrameError("not a batch frame (it does not start with \"SY\")");
    if (buf[2] !== FRAME_VERSION) throw new FrameError(`batch frame version ${buf[2]}; this build reads version ${FRAME_VERSION}`);
    if (buf[3] !== kind) throw new FrameError(`batch frame of kind ${buf[3]} where kind ${kind} (${kind === KIND_REQUEST ? "request" : "answer"}) was expected`);
    this.count = buf.readUInt32LE(4);
  }
  need(n: number, what: string) {
    if (this.off + n > this.buf.length) throw new FrameError(`batch frame truncated: ${what} needs ${n} bytes at offset ${this.off}, ${this.buf.length - this.off} are left`);
  }
  u8(what: string): number { this.need(1, what); return this.buf[this.off++]; }
  u32(what: string): number { this.need(4, what); const v = this.buf.readUInt32LE(this.off); this.off += 4; return v; }
  str(what: string): string {
    const n = this.u32(what);
    this.need(n, what);
    const s = this.buf.toString("utf8", this.off, this.off + n);
    this.off += n;
    return s;
  }
  /** Each item takes at least `min` bytes: a count past what is left is garbage, refused before any allocation. */
  items(n: number, min: number, what: string) {
    if (n * min > this.buf.length - this.off) throw new FrameError(`batch frame truncated: ${n} ${what} cannot fit in the ${this.buf.length - this.off} bytes left`);
  }
  tensor(name: string): Tensor {
    const code = this.u8(`tensor "${name}"`);
    const dt = BY_CODE[code];
    if (!dt) throw new FrameError(`batch frame: tensor "${name}" has unknown dtype code ${code}`);
    const ndims = this.u8(`tensor "${name}"`);
    if (ndims > MAX_DIMS) throw new FrameError(`batch frame: tensor "${name}" has ${ndims} dimensions (at most ${MAX_DIMS})`);
    this.need(2, `tensor "${name}"`);
    this.off += 2;
    this.items(ndims, 4, `dimensions of "${name}"`);
    const dims = new Array<number>(ndims);
    let size = 1;
    for (let i = 0; i < ndims; i++) size *= dims[i] = this.u32(`dimensions of "${name}"`);
    const count = this.u32(`tensor "${name}"`);
    if (count !== size) throw new FrameError(`batch frame: tensor "${name}" has dims [${dims}] (${size} values) but carries ${count}`);
    let data: TypedData;
    if (!dt.ctor) {
      this.items(count, 4, `strings of "${name}"`);
      const strings = new Array<string>(count);
      for (let i = 0; i < count; i++) strings[i] = this.str(`strings of "${name}"`);
      data = strings;
    } else {
      const aligned = (this.off + 7) & ~7;
      const bytes = count * dt.ctor.BYTES_PER_ELEMENT;
      this.need(aligned - this.off + bytes, `data of "${name}"`);
      this.off = aligned;
      const at = this.buf.byteOffset + this.off;
      // a view in place when the bytes are aligned for it (the frame buffer usually is), else a copy
      data = at % dt.ctor.BYTES_PER_ELEMENT === 0
        ? new dt.ctor(this.buf.buffer as ArrayBuffer, at, count)
        : new dt.ctor(this.buf.buffer.slice(at, at + bytes) as ArrayBuffer);
      this.off += bytes;
    }
    return { name, type: dt.type, dims, data };
  }
  end() {
    if (this.off !== this.buf.length) throw new FrameError(`batch frame has ${this.buf.length - this.off} bytes past its last item`);
  }
}

/** The worker's side of a call. Input tensors come unnamed (""): the worker names them from its signature. */
export function decodeRequests(buf: Buffer): FrameRequest[] {
  const r = new Reader(buf, KIND_REQUEST);
  r.items(r.count, 8, "requests");
  const out = new Array<FrameRequest>(r.count);
  for (let i = 0; i < r.count; i++) {
    const rows = r.u32(`request ${i}`);
    const n = r.u32(`request ${i}`);
    r.items(n, 8, `inputs of request ${i}`);
    const inputs = new Array<Tensor>(n);
    for (let j = 0; j < n; j++) inputs[j] = r.tensor("");
    out[i] = { rows, inputs };
  }
  r.end();
  return out;
}

/** The gateway's side of the answer. */
export function decodeAnswers(buf: Buffer): FrameResult[] {
  const r = new Reader(buf, KIND_ANSWER);
  r.items(r.count, 5, "results");
  const out = new Array<FrameResult>(r.count);
  for (let i = 0; i < r.count; i++) {
    const tag = r.u8(`result ${i}`);
    if (tag === 1) {
      const n = r.u32(`result ${i}`);
      r.items(n, 12, `outputs of result ${i}`);
      const outputs = new Array<Tensor>(n);
      for (let j = 0; j < n; j++) outputs[j] = r.tensor(r.str(`output name of result ${i}`));
      out[i] = { outputs };
    } else if (tag === 2) {
      const status = r.u32(`result ${i}`);
      out[i] = { error: { status, code: r.str(`error of result ${i}`), message: r.str(`error of result ${i}`) } };
    } else throw new FrameError(`batch frame: result ${i} has unknown tag ${tag}`);
  }
  r.end();
  return out;
}
